import { randomBytes } from 'node:crypto';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  insertCitizenChallenge,
  takeCitizenChallenge,
} from '@shikaku/db/eligibility/citizen-sign-in';

/** How long a sign-in challenge may be answered. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

export type ChallengeOutcome = 'ok' | 'unknown' | 'expired';

/**
 * Sign-in challenges (nonces): random, bound to one certificate, answered at most once, before
 * they expire. Kept in the eligibility database, so a challenge issued by one instance is answered
 * at any instance behind a balancer, and exactly once even when two answer it at the same moment.
 */
export interface ChallengeStore {
  issue(certificateSerial: string, now: Date): Promise<{ challenge: string; expiresAt: Date }>;
  /** Consumes the challenge whatever the outcome, so it can never be tried twice. */
  take(certificateSerial: string, challenge: string, now: Date): Promise<ChallengeOutcome>;
}

export function createChallengeStore(
  handle: DatabaseHandle,
  options: { ttlMs?: number } = {},
): ChallengeStore {
  const ttlMs = options.ttlMs ?? CHALLENGE_TTL_MS;
  return {
    async issue(certificateSerial, now) {
      const challenge = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now.getTime() + ttlMs);
      await insertCitizenChallenge(handle, { challenge, certificateSerial, expiresAt }, now);
      return { challenge, expiresAt };
    },
    async take(certificateSerial, challenge, now) {
      const entry = await takeCitizenChallenge(handle, challenge);
      if (!entry || entry.certificateSerial !== certificateSerial) return 'unknown';
      return now.getTime() < entry.expiresAt.getTime() ? 'ok' : 'expired';
    },
  };
}
