import { createTokenSigner } from '../auth.js';

/** How long a citizen's session lasts after signing in with the card. */
export const SESSION_TTL_SECONDS = 30 * 60;

/**
 * Citizen sessions: signed, stateless tokens naming the certificate that signed in. They are
 * signed with a key of their own (derived from the token secret), so an institution's idToken is
 * never a citizen session, nor the reverse.
 */
export function createCitizenSessions(tokenSecret: string) {
  const signer = createTokenSigner(`citizen-session\0${tokenSecret}`, SESSION_TTL_SECONDS);
  return {
    issue(certificateSerial: string, now: Date): { token: string; expiresAt: Date } {
      return {
        token: signer.issue(certificateSerial, 'id', now.getTime()),
        expiresAt: new Date(now.getTime() + SESSION_TTL_SECONDS * 1000),
      };
    },
    /** The certificate serial of a valid session token; undefined for anything else. */
    verify(token: string, now: Date): string | undefined {
      return signer.verify(token, 'id', now.getTime());
    },
  };
}
export type CitizenSessions = ReturnType<typeof createCitizenSessions>;
