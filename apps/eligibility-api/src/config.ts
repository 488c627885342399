import { isIP } from 'node:net';
import type { LoadSheddingLimits } from '@shikaku/platform/load-shedding';
import { ConfigError, requireSecret } from '@shikaku/platform/secrets';

/** The app's configuration, parsed once from the environment; nothing else reads process.env. */
export interface EligibilityConfig {
  host: string;
  port: number;
  /** PostgreSQL URL; PGlite in memory when absent (development only). */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /**
   * A streaming replica's URL (DATABASE_READ_URL): eligibility lookups read there while it is at
   * most replicaMaxLagMs behind (read-replica.ts in db); everything else stays on the primary.
   */
  databaseReadUrl: string | undefined;
  replicaMaxLagMs: number;
  /** Shared key other apps of the stack send as `x-service-key` (SHIKAKU_SERVICE_KEY, required). */
  serviceKey: string;
  /** HMAC key that signs the tokens given out at login (ELIGIBILITY_TOKEN_SECRET, required). */
  tokenSecret: string;
  /** Token lifetime in seconds. */
  tokenTtlSeconds: number;
  /** Default requests per second per institution (each institution may have its own). */
  rateLimitPerSecond: number;
  /** Count the rate limit across instances in PostgreSQL (ELIGIBILITY_SHARED_RATE_LIMIT=1). */
  sharedRateLimit: boolean;
  insurerApiUrl: string | undefined;
  jlisUrl: string | undefined;
  /**
   * The citizen's card client as the sign-in page's script calls it (the reader emulator,
   * standing for the JPKI client software on the citizen's machine): ELIGIBILITY_CITIZEN_CARD_URL.
   */
  citizenCardUrl: string | undefined;
  /**
   * Sign-in challenges (POST /v1/citizen/challenges) one client address may ask per second, with a
   * burst of as many (ELIGIBILITY_CITIZEN_CHALLENGE_RATE; 0: no limit). IPv6 counts per /64.
   */
  citizenChallengeRatePerSecond: number;
  /**
   * Fastify's trustProxy (ELIGIBILITY_TRUST_PROXY): the addresses (CIDRs) of the proxies in front,
   * whose X-Forwarded-For / -Proto / -Host are believed when they are the socket's peer; false:
   * none, the peer is the client and the socket's protocol the request's. Behind a TLS-terminating
   * proxy it makes request.protocol https, so the citizen's cookies are Secure.
   */
  trustProxy: false | string;
  /** Outbox polling interval; 0 disables the relay. */
  outboxPollMs: number;
  /** How often to look for bulk inquiries a killed instance left (its lease ran out); 0: at start only. */
  bulkSweepMs: number;
  /** YYYY-MM-DD: run the clock as of this date. */
  asOf: string | undefined;
  logLevel: string;
  /** Serve the Swagger UI at /docs (the OpenAPI document at /openapi.json is always served). */
  docs: boolean;
  /** Past these bounds requests answer 503 OVERLOADED with Retry-After (0: bound off). */
  loadShedding: LoadSheddingLimits;
  /** While J-LIS is unreachable, a card's last status from it answers for this long (0: never). */
  certificateStatusMaxAgeHours: number;
}

/** The settings that have a default. The secrets have none: callers give their own. */
export type EligibilitySecrets = Pick<EligibilityConfig, 'serviceKey' | 'tokenSecret'>;

export const DEFAULT_CONFIG: Omit<EligibilityConfig, keyof EligibilitySecrets> = {
  host: '127.0.0.1',
  port: 7302,
  databaseUrl: undefined,
  databasePoolSize: 20,
  databaseReadUrl: undefined,
  replicaMaxLagMs: 2_000,
  tokenTtlSeconds: 3600,
  rateLimitPerSecond: 200,
  sharedRateLimit: false,
  insurerApiUrl: undefined,
  jlisUrl: undefined,
  citizenCardUrl: undefined,
  // A sign-in is one challenge; five a second leaves room for several citizens behind one address
  // and bounds one address's unanswered rows to 5 × 300 s of challenge life.
  citizenChallengeRatePerSecond: 5,
  trustProxy: false,
  outboxPollMs: 1000,
  bulkSweepMs: 60_000,
  asOf: undefined,
  logLevel: 'info',
  docs: true,
  // Bounds beyond which requests are refused (503 OVERLOADED + Retry-After); the pool queue bound is
  // one pool's worth. docs/benchmarks.md (overload) has what they do at 3 × saturation on 2 cores
  // with the settings of a process of its own (parseConfig).
  loadShedding: {
    maxInFlight: 64,
    maxDbWaiting: 20,
    maxEventLoopDelayMs: 200,
    retryAfterSeconds: 1,
    // Off here (the stack's load tests may open more sockets); a process of its own: 256.
    maxConnections: 0,
    // Measured (docs/benchmarks.md, overload): a refused client that keeps its socket costs the
    // server less than one that reconnects for its next request.
    closeOnRefusal: false,
    // Off here: the embedded stack and the tests share one event loop with other work, so
    // in-app time says little about this app. A process of its own (parseConfig) sets it.
    targetLatencyMs: 0,
  },
  // JPKI's CRL is issued daily: a verifier may rely on the one it holds for a day (decisions.md).
  certificateStatusMaxAgeHours: 24,
};

/**
 * The adaptive in-flight limit's target for a process of its own (server.ts): mean in-app time of
 * 20 ms, so that with the wait before the app the p99 stays within the 50 ms confirmation SLO.
 */
export const PROCESS_TARGET_LATENCY_MS = 20;

/** server.maxConnections for a process of its own (server.ts); docs/benchmarks.md (overload). */
export const PROCESS_MAX_CONNECTIONS = 256;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(name, 'must be a whole number');
  return value;
}

/** proxy-addr's names for address ranges, which Fastify's trustProxy also takes. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Unset, empty or 0: trust no proxy. Else a comma-separated list of the proxies' addresses or
 * CIDRs (or proxy-addr's loopback, linklocal, uniquelocal). Not `true` (trust every peer: a client
 * reaching the app directly, or its own X-Forwarded-For entry, would be believed) and not a hop
 * count (Fastify 5 trusts no peer for one: it cannot tell the proxy from a client).
 */
function trustProxy(env: NodeJS.ProcessEnv, name: string): false | string {
  const raw = env[name]?.trim();
  if (!raw || raw === '0') return false;
  const entries = raw.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const validPrefix =
      prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (PROXY_RANGE_NAMES.has(entry)) continue;
    if (family === 0 || !validPrefix || extra !== undefined)
      throw new ConfigError(
        name,
        "must be the proxies' addresses (IP or CIDR, comma-separated) or 0",
      );
  }
  return entries.join(',');
}

/** Throws a ConfigError naming the variable when a secret is missing or a published default. */
export function parseConfig(env: NodeJS.ProcessEnv): EligibilityConfig {
  return {
    host: env.ELIGIBILITY_HOST ?? DEFAULT_CONFIG.host,
    port: integer(env, 'ELIGIBILITY_PORT', DEFAULT_CONFIG.port),
    databaseUrl: env.DATABASE_URL || undefined,
    databasePoolSize: integer(env, 'ELIGIBILITY_DB_POOL', DEFAULT_CONFIG.databasePoolSize),
    databaseReadUrl: env.DATABASE_READ_URL || undefined,
    replicaMaxLagMs: integer(env, 'ELIGIBILITY_REPLICA_MAX_LAG_MS', DEFAULT_CONFIG.replicaMaxLagMs),
    serviceKey: requireSecret(env, 'SHIKAKU_SERVICE_KEY'),
    tokenSecret: requireSecret(env, 'ELIGIBILITY_TOKEN_SECRET'),
    tokenTtlSeconds: integer(env, 'ELIGIBILITY_TOKEN_TTL', DEFAULT_CONFIG.tokenTtlSeconds),
    rateLimitPerSecond: integer(env, 'ELIGIBILITY_RATE_LIMIT', DEFAULT_CONFIG.rateLimitPerSecond),
    sharedRateLimit: env.ELIGIBILITY_SHARED_RATE_LIMIT === '1',
    insurerApiUrl: env.INSURER_API_URL || undefined,
    jlisUrl: env.JLIS_URL || undefined,
    citizenCardUrl: env.ELIGIBILITY_CITIZEN_CARD_URL || undefined,
    citizenChallengeRatePerSecond: integer(
      env,
      'ELIGIBILITY_CITIZEN_CHALLENGE_RATE',
      DEFAULT_CONFIG.citizenChallengeRatePerSecond,
    ),
    trustProxy: trustProxy(env, 'ELIGIBILITY_TRUST_PROXY'),
    outboxPollMs: integer(env, 'ELIGIBILITY_OUTBOX_POLL_MS', DEFAULT_CONFIG.outboxPollMs),
    bulkSweepMs: integer(env, 'ELIGIBILITY_BULK_SWEEP_MS', DEFAULT_CONFIG.bulkSweepMs),
    asOf: env.SHIKAKU_AS_OF || undefined,
    logLevel: env.LOG_LEVEL ?? DEFAULT_CONFIG.logLevel,
    docs: env.ELIGIBILITY_DOCS !== '0',
    loadShedding: {
      maxInFlight: integer(
        env,
        'ELIGIBILITY_MAX_IN_FLIGHT',
        DEFAULT_CONFIG.loadShedding.maxInFlight,
      ),
      maxDbWaiting: integer(
        env,
        'ELIGIBILITY_MAX_DB_WAITING',
        DEFAULT_CONFIG.loadShedding.maxDbWaiting,
      ),
      maxEventLoopDelayMs: integer(
        env,
        'ELIGIBILITY_MAX_EVENT_LOOP_DELAY_MS',
        DEFAULT_CONFIG.loadShedding.maxEventLoopDelayMs,
      ),
      retryAfterSeconds: integer(
        env,
        'ELIGIBILITY_RETRY_AFTER',
        DEFAULT_CONFIG.loadShedding.retryAfterSeconds,
      ),
      maxConnections: integer(env, 'ELIGIBILITY_MAX_CONNECTIONS', PROCESS_MAX_CONNECTIONS),
      targetLatencyMs: integer(env, 'ELIGIBILITY_TARGET_LATENCY_MS', PROCESS_TARGET_LATENCY_MS),
      closeOnRefusal:
        env.ELIGIBILITY_SHED_CLOSE === undefined || env.ELIGIBILITY_SHED_CLOSE === ''
          ? DEFAULT_CONFIG.loadShedding.closeOnRefusal
          : env.ELIGIBILITY_SHED_CLOSE !== '0',
    },
    certificateStatusMaxAgeHours: integer(
      env,
      'ELIGIBILITY_CERT_STATUS_MAX_AGE_HOURS',
      DEFAULT_CONFIG.certificateStatusMaxAgeHours,
    ),
  };
}
