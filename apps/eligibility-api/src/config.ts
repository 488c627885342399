/** The app's configuration, parsed once from the environment; nothing else reads process.env. */
export interface EligibilityConfig {
  host: string;
  port: number;
  /** PostgreSQL URL; PGlite in memory when absent (development only). */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** Shared key other apps of the stack send as `x-service-key`. */
  serviceKey: string;
  /** HMAC key that signs the tokens given out at login. */
  tokenSecret: string;
  /** Token lifetime in seconds. */
  tokenTtlSeconds: number;
  /** Default requests per second per institution (each institution may have its own). */
  rateLimitPerSecond: number;
  insurerApiUrl: string | undefined;
  jlisUrl: string | undefined;
  /** Outbox polling interval; 0 disables the relay. */
  outboxPollMs: number;
  /** YYYY-MM-DD: run the clock as of this date. */
  asOf: string | undefined;
  logLevel: string;
  /** Serve the Swagger UI at /docs (the OpenAPI document at /openapi.json is always served). */
  docs: boolean;
}

export const DEFAULT_CONFIG: EligibilityConfig = {
  host: '127.0.0.1',
  port: 7302,
  databaseUrl: undefined,
  databasePoolSize: 20,
  serviceKey: 'dev-service-key',
  tokenSecret: 'dev-token-secret',
  tokenTtlSeconds: 3600,
  rateLimitPerSecond: 200,
  insurerApiUrl: undefined,
  jlisUrl: undefined,
  outboxPollMs: 1000,
  asOf: undefined,
  logLevel: 'info',
  docs: true,
};

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
  return value;
}

export function parseConfig(env: NodeJS.ProcessEnv): EligibilityConfig {
  return {
    host: env.ELIGIBILITY_HOST ?? DEFAULT_CONFIG.host,
    port: integer(env, 'ELIGIBILITY_PORT', DEFAULT_CONFIG.port),
    databaseUrl: env.DATABASE_URL || undefined,
    databasePoolSize: integer(env, 'ELIGIBILITY_DB_POOL', DEFAULT_CONFIG.databasePoolSize),
    serviceKey: env.SHIKAKU_SERVICE_KEY ?? DEFAULT_CONFIG.serviceKey,
    tokenSecret: env.ELIGIBILITY_TOKEN_SECRET ?? DEFAULT_CONFIG.tokenSecret,
    tokenTtlSeconds: integer(env, 'ELIGIBILITY_TOKEN_TTL', DEFAULT_CONFIG.tokenTtlSeconds),
    rateLimitPerSecond: integer(env, 'ELIGIBILITY_RATE_LIMIT', DEFAULT_CONFIG.rateLimitPerSecond),
    insurerApiUrl: env.INSURER_API_URL || undefined,
    jlisUrl: env.JLIS_URL || undefined,
    outboxPollMs: integer(env, 'ELIGIBILITY_OUTBOX_POLL_MS', DEFAULT_CONFIG.outboxPollMs),
    asOf: env.SHIKAKU_AS_OF || undefined,
    logLevel: env.LOG_LEVEL ?? DEFAULT_CONFIG.logLevel,
    docs: env.ELIGIBILITY_DOCS !== '0',
  };
}
