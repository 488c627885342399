// Runs the portal as its own process on PostgreSQL (DATABASE_URL). `shikaku stack` composes it
// in-process instead (apps/cli/src/stack/portal.ts).
import { openDatabase } from '@shikaku/db/database';
import { migrateToLatest } from '@shikaku/db/migrate';
import { createLogger } from '@shikaku/platform/logger';
import { readConfigOrExit } from '@shikaku/platform/secrets';
import { serve } from '@shikaku/platform/serve';
import { systemClock } from '@shikaku/platform/system-clock';
import { buildApp } from './app.js';
import { readPortalConfig } from './config.js';
import { startPortalJobs } from './jobs/scheduler.js';
import { smtpTransport } from './mail/outbox.js';
import { httpEligibilityClient } from './usage/eligibility-client.js';

const config = readConfigOrExit('portal', () => readPortalConfig());
const logger = createLogger({ name: 'portal', level: config.logLevel });
if (!config.databaseUrl) {
  logger.error('DATABASE_URL is required (use `shikaku stack` for the embedded database)');
  process.exit(1);
}
const handle = await openDatabase({ url: config.databaseUrl });
await migrateToLatest(handle, ['portal']);
const clock = systemClock(config.asOf);
const transport = config.smtpUrl ? smtpTransport(config.smtpUrl) : undefined;
// No mailbox page here (config.mailbox is off): without SMTP, mail is never delivered.
if (!transport) logger.warn('SMTP_URL is not set: mail stays in portal.mail_outbox, undelivered');
const app = await buildApp(config, {
  handle,
  clock,
  logger,
  ...(config.eligibilityApiUrl && config.serviceKey
    ? { eligibility: httpEligibilityClient(config.eligibilityApiUrl, config.serviceKey) }
    : {}),
});
const jobs = startPortalJobs({
  handle,
  clock,
  intervalMs: config.jobIntervalMs,
  logger,
  mail: transport ? { transport, from: config.mailFrom } : undefined,
});
const url = await serve(app, {
  host: config.host,
  port: config.port,
  onClose: async () => {
    await jobs.stop();
    transport?.close();
    await handle.close();
  },
});
logger.info({ url }, 'portal listening');
