import { verifyCardSignature } from '@shikaku/core/card-key';
import type { DatabaseHandle } from '@shikaku/db/database';
import { findCardLink } from '@shikaku/db/eligibility/card-links';
import { AppError } from '@shikaku/platform/errors';
import { assertCertificateValid } from '../routes/cards.js';
import type { CertificateKeyDirectory } from './certificate-keys.js';
import type { ChallengeStore } from './challenges.js';
import type { CitizenSessions } from './sessions.js';

export interface SignInDeps {
  handle: DatabaseHandle;
  challenges: ChallengeStore;
  keys: CertificateKeyDirectory;
  sessions: CitizenSessions;
}

/**
 * Sign-in with the card, as マイナポータル does with the user certificate: the challenge must be
 * this card's, unused and unexpired; J-LIS must hold the certificate as valid (asked now: a
 * revoked card signs no one in, and J-LIS unreachable means no sign-in); the signature must verify
 * with the certificate's public key; the card must be registered for insurance use (the citizen's
 * data is found through that link). Every refusal is a stable code; only the session is stored.
 */
export async function signInWithCard(
  deps: SignInDeps,
  request: { certificateSerial: string; challenge: string; signature: string },
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const { certificateSerial, challenge, signature } = request;
  const outcome = await deps.challenges.take(certificateSerial, challenge, now);
  if (outcome === 'expired')
    throw new AppError('CHALLENGE_EXPIRED', 'the challenge has expired; ask for a new one', {
      field: 'challenge',
    });
  if (outcome !== 'ok')
    throw new AppError(
      'CHALLENGE_INVALID',
      'no such challenge for this card (each is answered once)',
      { field: 'challenge' },
    );
  const key = await lookupCertificate(deps.keys, certificateSerial);
  assertCertificateValid(key?.status ?? 'unknown');
  if (!key || !verifyCardSignature(key.publicKey, challenge, signature))
    throw new AppError(
      'SIGNATURE_INVALID',
      "the signature does not verify with the card's certificate",
      {
        field: 'signature',
      },
    );
  if (!(await findCardLink(deps.handle, certificateSerial)))
    throw new AppError('CARD_NOT_REGISTERED', 'this card is not registered for insurance use');
  return deps.sessions.issue(certificateSerial, now);
}

async function lookupCertificate(keys: CertificateKeyDirectory, serial: string) {
  try {
    return await keys.lookup(serial);
  } catch (error) {
    if (error instanceof AppError && error.code === 'UPSTREAM_UNAVAILABLE')
      throw new AppError(
        'CERTIFICATE_STATUS_UNAVAILABLE',
        'J-LIS cannot be reached; signing in needs its answer now',
      );
    throw error;
  }
}

/** The token of `Authorization: Bearer <token>`, if any. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
}

/** The person of a live session token (not expired, not signed out); SESSION_REQUIRED otherwise. */
export async function requireCitizen(
  deps: Pick<SignInDeps, 'sessions'>,
  token: string | undefined,
  now: Date,
): Promise<{ certificateSerial: string; personRef: string; expiresAt: Date }> {
  const session = token ? await deps.sessions.resolve(token, now) : undefined;
  if (!session)
    throw new AppError(
      'SESSION_REQUIRED',
      'sign in with the card first (POST /v1/citizen/challenges, then /v1/citizen/sessions)',
    );
  return session;
}
