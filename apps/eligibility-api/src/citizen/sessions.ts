import { randomBytes } from 'node:crypto';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  deleteCitizenSession,
  findCitizenSession,
  insertCitizenSession,
} from '@shikaku/db/eligibility/citizen-sign-in';
import { createTokenSigner } from '../auth.js';

/** How long a citizen's session lasts after signing in with the card. */
export const SESSION_TTL_SECONDS = 30 * 60;

/**
 * Citizen sessions: a row in the eligibility database (so signing out holds on every instance)
 * named by a signed token. The token is signed with a key of its own (derived from the token
 * secret), so an institution's idToken is never a citizen session, nor the reverse, and a forged
 * or altered token is refused before the database is asked.
 */
export function createCitizenSessions(handle: DatabaseHandle, tokenSecret: string) {
  const signer = createTokenSigner(`citizen-session\0${tokenSecret}`, SESSION_TTL_SECONDS);
  const sessionIdOf = (token: string, now: Date) => signer.verify(token, 'id', now.getTime());
  return {
    async issue(certificateSerial: string, now: Date): Promise<{ token: string; expiresAt: Date }> {
      const sessionId = randomBytes(24).toString('base64url');
      const expiresAt = new Date(now.getTime() + SESSION_TTL_SECONDS * 1000);
      await insertCitizenSession(handle, { sessionId, certificateSerial, expiresAt }, now);
      return { token: signer.issue(sessionId, 'id', now.getTime()), expiresAt };
    },
    /** The card and person of a live session token; undefined for anything else. */
    async resolve(
      token: string,
      now: Date,
    ): Promise<{ certificateSerial: string; personRef: string; expiresAt: Date } | undefined> {
      const sessionId = sessionIdOf(token, now);
      return sessionId ? findCitizenSession(handle, sessionId, now) : undefined;
    },
    /** Ends the session of a token on every instance; false when it was no live session. */
    async revoke(token: string, now: Date): Promise<boolean> {
      const sessionId = sessionIdOf(token, now);
      return sessionId ? deleteCitizenSession(handle, sessionId) : false;
    },
  };
}
export type CitizenSessions = ReturnType<typeof createCitizenSessions>;
