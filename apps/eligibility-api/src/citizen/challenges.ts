import { randomBytes } from 'node:crypto';

/** How long a sign-in challenge may be answered. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

export type ChallengeOutcome = 'ok' | 'unknown' | 'expired';

/**
 * Sign-in challenges (nonces): random, bound to one certificate, answered at most once, before
 * they expire. Held in this process: an instance behind a balancer answers only its own challenges
 * (docs/citizen.md says what a shared store would change).
 */
export interface ChallengeStore {
  issue(certificateSerial: string, now: Date): { challenge: string; expiresAt: Date };
  /** Consumes the challenge whatever the outcome, so it can never be tried twice. */
  take(certificateSerial: string, challenge: string, now: Date): ChallengeOutcome;
}

export function createChallengeStore(
  options: { ttlMs?: number; maxEntries?: number } = {},
): ChallengeStore {
  const ttlMs = options.ttlMs ?? CHALLENGE_TTL_MS;
  const maxEntries = options.maxEntries ?? 100_000;
  const held = new Map<string, { certificateSerial: string; expiresAt: number }>();
  return {
    issue(certificateSerial, now) {
      const challenge = randomBytes(32).toString('base64url');
      const expiresAt = now.getTime() + ttlMs;
      held.set(challenge, { certificateSerial, expiresAt });
      // Insertion order is issue order: past the bound the oldest go first.
      while (held.size > maxEntries) held.delete(held.keys().next().value as string);
      return { challenge, expiresAt: new Date(expiresAt) };
    },
    take(certificateSerial, challenge, now) {
      const entry = held.get(challenge);
      held.delete(challenge);
      if (!entry || entry.certificateSerial !== certificateSerial) return 'unknown';
      return now.getTime() < entry.expiresAt ? 'ok' : 'expired';
    },
  };
}
