import { availableParallelism } from 'node:os';
import { type MisEntryPolicy, SEED_POLICY } from '@shikaku/core/mis-entry';
import { findPolicyEra, policyEraNames } from '@shikaku/core/policy-eras';
import { ConfigError, requireSecret } from '@shikaku/platform/secrets';

/** The intermediate server's configuration, parsed once from the environment. */
export interface InsurerApiConfig {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  logLevel: string;
  /** SHIKAKU_AS_OF (YYYY-MM-DD): run the clock from this date. */
  asOf?: string | undefined;
  /** Other services (eligibility-api) send it as `x-service-key` (SHIKAKU_SERVICE_KEY, required). */
  serviceKey: string;
  jlis: { url: string; serviceKey: string; timeoutMs: number };
  /**
   * Secret of the personRef pseudonym (HMAC of the My Number); never leaves this server
   * (PERSON_REF_SECRET, required). It must stay the same for the life of the data.
   */
  personRefSecret: string;
  /**
   * The rules allowed beyond the 2021 ones (each still from its own date): MIS_ENTRY_POLICY names
   * an era of core's POLICY_ERAS ('2023-04', '2024-05', …) or 'seed' (the 2021 rules only, the
   * default) or 'current' (every rule).
   */
  policy: MisEntryPolicy;
  jobs: {
    /** Run the J-LIS queue, re-match and webhook jobs in this process. */
    enabled: boolean;
    checkIntervalMs: number;
    rematchIntervalMs: number;
    /** Retry backoff of a failed J-LIS query: base × 2^attempts, capped. */
    retryBaseMs: number;
    retryMaxMs: number;
  };
  /** Registrations per database batch in a bulk file. */
  bulkBatchSize: number;
  /** Bulk batches written at once on PostgreSQL (PGlite has one connection). */
  bulkConcurrency: number;
  /**
   * Worker threads that parse, check and write a bulk file's batches on PostgreSQL, each with its
   * own connection; 0 does it all on the request's thread (as on PGlite).
   */
  bulkWorkers: number;
}

export function parsePolicy(value: string | undefined): MisEntryPolicy {
  if (value === undefined || value === '') return SEED_POLICY;
  const era = findPolicyEra(value);
  if (era) return era.policy;
  throw new ConfigError(
    'MIS_ENTRY_POLICY',
    `must be one of ${policyEraNames().join(', ')}; got ${value}`,
  );
}

/** Throws a ConfigError naming the variable when a secret is missing or a published default. */
export function readInsurerApiConfig(env: NodeJS.ProcessEnv = process.env): InsurerApiConfig {
  const serviceKey = requireSecret(env, 'SHIKAKU_SERVICE_KEY');
  return {
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 7301),
    databaseUrl: env.DATABASE_URL || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    asOf: env.SHIKAKU_AS_OF || undefined,
    serviceKey,
    jlis: {
      url: env.JLIS_URL ?? 'http://127.0.0.1:7303',
      serviceKey,
      timeoutMs: Number(env.JLIS_TIMEOUT_MS ?? 5_000),
    },
    personRefSecret: requireSecret(env, 'PERSON_REF_SECRET'),
    policy: parsePolicy(env.MIS_ENTRY_POLICY),
    jobs: {
      enabled: env.INSURER_API_JOBS !== '0',
      checkIntervalMs: Number(env.JLIS_CHECK_INTERVAL_MS ?? 1_000),
      rematchIntervalMs: Number(env.REMATCH_INTERVAL_MS ?? 3_600_000),
      retryBaseMs: Number(env.JLIS_RETRY_BASE_MS ?? 1_000),
      retryMaxMs: Number(env.JLIS_RETRY_MAX_MS ?? 300_000),
    },
    bulkBatchSize: Number(env.BULK_BATCH_SIZE ?? 5_000),
    bulkConcurrency: Number(env.BULK_CONCURRENCY ?? 3),
    bulkWorkers: Number(env.BULK_WORKERS ?? Math.min(availableParallelism(), 8)),
  };
}
