import { ConfigError, requireSecret } from '@shikaku/platform/secrets';

export { ConfigError };

/** The portal's configuration, parsed once from the environment and passed in. */
export interface PortalConfig {
  host: string;
  port: number;
  /** PostgreSQL URL; the server needs one (the stack passes its own database handle instead). */
  databaseUrl: string | undefined;
  /** How long a login lasts. */
  sessionTtlMinutes: number;
  /** Mark cookies Secure (behind HTTPS). */
  secureCookies: boolean;
  /** Real SMTP (smtp://user:pass@host:port); without it mail stays in the outbox, undelivered. */
  smtpUrl: string | undefined;
  /**
   * Serve the development mailbox (/mailbox: every mail of the outbox, reset links included, to
   * anyone). Only `shikaku stack` and tests turn it on; no environment variable does.
   */
  mailbox: boolean;
  mailFrom: string;
  /** The portal's own URL, for links in emails. */
  publicUrl: string;
  /** eligibility-api, which issues the credentials on usage approval. */
  eligibilityApiUrl: string | undefined;
  /** Its `x-service-key` (SHIKAKU_SERVICE_KEY): required with ELIGIBILITY_API_URL. */
  serviceKey: string | undefined;
  /** Where receipts are stored. */
  uploadDir: string;
  /** Receipt size limit in bytes. */
  maxReceiptBytes: number;
  /** YYYY-MM-DD: run the portal's clock from this date. */
  asOf: string | undefined;
  /** How often the deadline/reminder job and the mail dispatcher run, in ms (0: never). */
  jobIntervalMs: number;
  logLevel: string;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError(name, `must be a whole number, got ${raw}`);
  return n;
}

/** Throws a ConfigError naming the variable when a setting or secret is unusable. */
export function readPortalConfig(env: NodeJS.ProcessEnv = process.env): PortalConfig {
  const port = integer(env, 'PORTAL_PORT', 7300);
  const eligibilityApiUrl = env.ELIGIBILITY_API_URL || undefined;
  const asOf = env.SHIKAKU_AS_OF || undefined;
  if (asOf && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
    throw new ConfigError('SHIKAKU_AS_OF', `must be YYYY-MM-DD, got ${asOf}`);
  }
  return {
    host: env.PORTAL_HOST ?? '127.0.0.1',
    port,
    databaseUrl: env.DATABASE_URL || undefined,
    sessionTtlMinutes: integer(env, 'PORTAL_SESSION_TTL_MINUTES', 120),
    secureCookies: env.PORTAL_SECURE_COOKIES === '1',
    smtpUrl: env.SMTP_URL || undefined,
    mailbox: false,
    mailFrom: env.PORTAL_MAIL_FROM ?? 'portal@shikaku.example',
    publicUrl: env.PORTAL_PUBLIC_URL ?? `http://127.0.0.1:${port}`,
    eligibilityApiUrl,
    serviceKey: eligibilityApiUrl ? requireSecret(env, 'SHIKAKU_SERVICE_KEY') : undefined,
    uploadDir: env.PORTAL_UPLOAD_DIR ?? '.shikaku/portal/receipts',
    maxReceiptBytes: integer(env, 'PORTAL_MAX_RECEIPT_BYTES', 5 * 1024 * 1024),
    asOf,
    jobIntervalMs: integer(env, 'PORTAL_JOB_INTERVAL_MS', 60_000),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
