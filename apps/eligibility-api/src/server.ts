// Runs eligibility-api as its own process (the production shape, on PostgreSQL).
import { openDatabase } from '@shikaku/db/database';
import { migrateToLatest } from '@shikaku/db/migrate';
import { createLogger } from '@shikaku/platform/logger';
import { readConfigOrExit } from '@shikaku/platform/secrets';
import { serve } from '@shikaku/platform/serve';
import { systemClock } from '@shikaku/platform/system-clock';
import { buildApp } from './app.js';
import { parseConfig } from './config.js';
import { createOutboxRelay } from './outbox-relay.js';
import { withConfiguredReplica } from './read-replica.js';
import { httpUpstreams } from './upstream.js';

const config = readConfigOrExit('eligibility-api', () => parseConfig(process.env));
const logger = createLogger({ name: 'eligibility-api', level: config.logLevel });
const handle = await withConfiguredReplica(
  await openDatabase({ url: config.databaseUrl, poolSize: config.databasePoolSize }),
  config,
  logger,
);
await migrateToLatest(handle, ['eligibility']);
const clock = systemClock(config.asOf);
const upstreams = httpUpstreams(config);
const app = await buildApp(config, { handle, clock, logger, upstreams });
const relay = createOutboxRelay({ handle, upstreams, clock, logger, pollMs: config.outboxPollMs });
if (config.insurerApiUrl && config.outboxPollMs > 0) relay.start();
const url = await serve(app, {
  host: config.host,
  port: config.port,
  onClose: async () => {
    await relay.stop();
    await handle.close();
  },
});
logger.info({ url, database: handle.description }, 'eligibility-api listening');
