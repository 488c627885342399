import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  type CredentialRecord,
  findCredential,
  type InstitutionRecord,
} from '@shikaku/db/eligibility/institutions';
import { AppError } from '@shikaku/platform/errors';
import { textProblem } from '@shikaku/platform/input-guards';

export interface Caller {
  clientId: string;
  institution: InstitutionRecord;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function newClientCredential(): { clientId: string; clientSecret: string } {
  return {
    clientId: `oqs-${randomBytes(8).toString('hex')}`,
    clientSecret: randomBytes(24).toString('base64url'),
  };
}

/**
 * The login answers three tokens, as the real interface does. Only the idToken opens the search and
 * the REST API (the spec sends it as the bare Authorization value); the accessToken and the
 * refreshToken are handed out for client compatibility and accepted nowhere.
 */
export type TokenKind = 'id' | 'access' | 'refresh';

interface Claims {
  /** client id */
  c: string;
  /** token kind */
  k: string;
  /** expiry, epoch ms */
  e: number;
}

const VERIFIED_TOKENS_HELD = 10_000;

/**
 * Signed, stateless tokens (`<payload>.<hmac>`): verifying one costs an HMAC, not a database
 * round trip. Revocation is honoured through the credential cache below, which every verified
 * token passes through.
 */
export function createTokenSigner(secret: string, ttlSeconds: number) {
  const sign = (payload: string) =>
    createHmac('sha256', secret).update(payload).digest('base64url');
  // A client sends its token with every request: its claims are kept once its signature verified
  // (kind and expiry are still checked on every use), so the HMAC is paid once per token.
  const verified = new Map<string, Claims>();
  const check = (token: string): Claims | undefined => {
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(sign(payload));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let claims: Claims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Claims;
    } catch {
      return undefined;
    }
    verified.set(token, claims);
    if (verified.size > VERIFIED_TOKENS_HELD)
      verified.delete(verified.keys().next().value as string);
    return claims;
  };
  return {
    issue(clientId: string, kind: TokenKind, nowMs: number): string {
      const payload = Buffer.from(
        JSON.stringify({ c: clientId, k: kind, e: nowMs + ttlSeconds * 1000 }),
      ).toString('base64url');
      return `${payload}.${sign(payload)}`;
    },
    /**
     * The client id of a valid token of `kind`; undefined for a forged, malformed or expired token,
     * or one of another kind (an accessToken or refreshToken where an idToken belongs).
     */
    verify(token: string, kind: TokenKind, nowMs: number): string | undefined {
      const claims = verified.get(token) ?? check(token);
      if (!claims || claims.k !== kind || !(claims.e > nowMs)) return undefined;
      return claims.c;
    },
  };
}
export type TokenSigner = ReturnType<typeof createTokenSigner>;

/**
 * Credentials (with their institution) by client id, cached for a few seconds so the hot path does
 * not query them per request. Concurrent misses of one client id share one load, so an expiry
 * under load costs one query, not one per request in flight. A revocation made through this
 * process takes effect at once (`forget`); one made elsewhere within `ttlMs`.
 */
export function createCredentialCache(handle: DatabaseHandle, ttlMs = 5000) {
  const cache = new Map<
    string,
    { record: Promise<CredentialRecord | undefined>; loadedAt: number }
  >();
  return {
    get(clientId: string, nowMs: number): Promise<CredentialRecord | undefined> {
      const hit = cache.get(clientId);
      if (hit && nowMs - hit.loadedAt < ttlMs) return hit.record;
      const entry = { record: findCredential(handle, clientId), loadedAt: nowMs };
      cache.set(clientId, entry);
      // A failed load is not cached: the next request tries again.
      entry.record.catch(() => {
        if (cache.get(clientId) === entry) cache.delete(clientId);
      });
      return entry.record;
    },
    forget(clientId: string): void {
      cache.delete(clientId);
    },
  };
}
export type CredentialCache = ReturnType<typeof createCredentialCache>;

/** Checks a login; throws the stable code on failure. */
const MAX_CLIENT_ID = 128;

export async function login(
  credentials: CredentialCache,
  clientId: string,
  clientSecret: string,
  nowMs: number,
): Promise<CredentialRecord> {
  // The spec login reads its own raw body: a client id PostgreSQL cannot store (NUL, an unpaired
  // surrogate) or longer than any issued one matches no credential, without asking the database.
  if (clientId.length > MAX_CLIENT_ID || textProblem(clientId) !== null)
    throw new AppError('INVALID_CREDENTIALS', 'unknown client id or wrong secret');
  const record = await credentials.get(clientId, nowMs);
  const given = Buffer.from(hashSecret(clientSecret));
  if (!record || !timingSafeEqual(given, Buffer.from(record.secretHash)))
    throw new AppError('INVALID_CREDENTIALS', 'unknown client id or wrong secret');
  if (record.revoked) throw new AppError('CREDENTIAL_REVOKED', 'this credential has been revoked');
  return record;
}

/** Resolves an idToken to its caller; throws the stable code on failure (any other kind too). */
export async function authenticate(
  signer: TokenSigner,
  credentials: CredentialCache,
  token: string | undefined,
  nowMs: number,
): Promise<Caller> {
  if (!token) throw new AppError('UNAUTHENTICATED', 'the Authorization header is missing');
  const bare = token.startsWith('Bearer ') ? token.slice(7) : token;
  const clientId = signer.verify(bare, 'id', nowMs);
  if (!clientId) throw new AppError('UNAUTHENTICATED', 'the token is invalid or expired');
  const record = await credentials.get(clientId, nowMs);
  if (!record) throw new AppError('UNAUTHENTICATED', 'the token is invalid or expired');
  if (record.revoked) throw new AppError('CREDENTIAL_REVOKED', 'this credential has been revoked');
  return { clientId, institution: record.institution };
}

/**
 * Per-institution token bucket: `rate` requests per second, bursts up to one second's worth.
 * A bucket idle for a second has refilled completely, just as a new one starts, so it is dropped
 * (whenever the map has doubled since the last sweep): the map holds about twice the keys that
 * asked within a second, not every address that ever asked.
 */
export function createRateLimiter() {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const sweep = createIdleSweep(buckets);
  return {
    take(key: string, ratePerSecond: number, nowMs: number): boolean {
      let bucket = buckets.get(key);
      if (!bucket) {
        sweep((idle) => nowMs - idle.at >= 1000);
        bucket = { tokens: ratePerSecond, at: nowMs };
        buckets.set(key, bucket);
      }
      bucket.tokens = Math.min(
        ratePerSecond,
        bucket.tokens + ((nowMs - bucket.at) / 1000) * ratePerSecond,
      );
      bucket.at = nowMs;
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    /** Buckets held (tests: they stay bounded). */
    size: () => buckets.size,
  };
}

/**
 * Drops `map`'s idle entries once it has doubled since the last sweep (and holds at least
 * `floor`): it stays within about twice its live entries, at a cost amortized to O(1) an insert.
 * Call it before inserting; `now` sweeps whatever the size.
 */
export function createIdleSweep<V>(
  map: Map<string, V>,
  floor = 1024,
): (isIdle: (value: V) => boolean, now?: boolean) => void {
  let sweepAt = floor;
  return (isIdle, now = false) => {
    if (!now && map.size < sweepAt) return;
    for (const [key, value] of map) if (isIdle(value)) map.delete(key);
    sweepAt = Math.max(floor, 2 * map.size);
  };
}

/** In-process (createRateLimiter) or shared by every instance (shared-rate-limit.ts). */
export interface RateLimiter {
  take(key: string, ratePerSecond: number, nowMs: number): boolean | Promise<boolean>;
}
