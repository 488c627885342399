import { requireSecret } from '@shikaku/platform/secrets';

/** The J-LIS emulator's configuration, parsed once from the environment. */
export interface JlisConfig {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  logLevel: string;
  /** SHIKAKU_AS_OF (YYYY-MM-DD): run the clock from this date. */
  asOf?: string | undefined;
  /** Callers send it as `x-service-key` (SHIKAKU_SERVICE_KEY, required). */
  serviceKey: string;
  /** Key for the fault control endpoint (`x-control-key`; JLIS_CONTROL_KEY, required). */
  controlKey: string;
  faults: FaultSettings;
  /**
   * The card issuing secret (JLIS_CARD_KEY_SECRET): the public key of a certificate is derived from
   * it (certificate-keys.ts). Unset: J-LIS answers no public keys, so nobody can sign in with a card.
   */
  cardKeySecret?: string | undefined;
}

/** Fault injection: how the emulator misbehaves, so callers can be tested against it. */
export interface FaultSettings {
  /** Added to every lookup, in milliseconds. */
  latencyMs: number;
  /** Share of lookups (0…1) answered 503. */
  errorRate: number;
  /** Every lookup answered 503. */
  down: boolean;
}

/** Throws a ConfigError naming the variable when a secret is missing or a published default. */
export function readJlisConfig(env: NodeJS.ProcessEnv = process.env): JlisConfig {
  return {
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 7303),
    databaseUrl: env.DATABASE_URL || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    asOf: env.SHIKAKU_AS_OF || undefined,
    serviceKey: requireSecret(env, 'SHIKAKU_SERVICE_KEY'),
    controlKey: requireSecret(env, 'JLIS_CONTROL_KEY'),
    cardKeySecret: env.JLIS_CARD_KEY_SECRET || undefined,
    faults: {
      latencyMs: Number(env.JLIS_LATENCY_MS ?? 0),
      errorRate: Number(env.JLIS_ERROR_RATE ?? 0),
      down: env.JLIS_DOWN === '1' || env.JLIS_DOWN === 'true',
    },
  };
}
