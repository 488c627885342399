import { randomBytes } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  insertCitizenChallenge,
  takeCitizenChallenge,
} from '@shikaku/db/eligibility/citizen-sign-in';
import { AppError } from '@shikaku/platform/errors';
import ipaddr from 'ipaddr.js';
import type { RateLimiter } from '../auth.js';

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

/**
 * Who the challenge limit counts: the client address (request.ip: the socket's peer, or the
 * client a trusted proxy names). An IPv6 address counts by its /64, the block one subscriber is
 * given, else one machine could take a new address for each challenge; an IPv4-mapped one
 * (::ffff:a.b.c.d, RFC 4291 2.5.5.2) as its IPv4 address. Not the card: its serial is no secret,
 * so a limit per card would let anyone keep its holder from signing in.
 */
export function challengeLimitKey(address: string): string {
  if (!isIPv6(address)) return `citizen-challenges:${address}`;
  const ip = ipaddr.IPv6.parse(address);
  if (ip.isIPv4MappedAddress()) return `citizen-challenges:${ip.toIPv4Address().toString()}`;
  const subnet = ip.parts.slice(0, 4).map((group) => group.toString(16));
  return `citizen-challenges:${subnet.join(':')}::/64`;
}

/**
 * Admits a challenge from `address` through the app's rate limiter (the institutions' limiter,
 * in process or shared across instances), at `ratePerSecond` (0: no limit); CHALLENGE_RATE_LIMITED
 * (429, Retry-After) otherwise. Bounds the unanswered rows one address can leave.
 */
export async function admitChallenge(
  limiter: RateLimiter,
  ratePerSecond: number,
  address: string,
  nowMs: number,
): Promise<void> {
  if (ratePerSecond <= 0) return;
  if (await limiter.take(challengeLimitKey(address), ratePerSecond, nowMs)) return;
  throw new AppError(
    'CHALLENGE_RATE_LIMITED',
    `more than ${ratePerSecond} sign-in challenges a second from this address; retry after a second`,
    { reason: 'too-many-challenges', limitPerSecond: ratePerSecond },
  );
}
