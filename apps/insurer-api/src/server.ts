// Runs the intermediate server as its own process on PostgreSQL (DATABASE_URL) or embedded PGlite.
import { openDatabase } from '@shikaku/db/database';
import { migrateToLatest } from '@shikaku/db/migrate';
import { createLogger } from '@shikaku/platform/logger';
import { readConfigOrExit } from '@shikaku/platform/secrets';
import { serve } from '@shikaku/platform/serve';
import { systemClock } from '@shikaku/platform/system-clock';
import { buildApp } from './app.js';
import { readInsurerApiConfig } from './config.js';

const config = readConfigOrExit('insurer-api', () => readInsurerApiConfig());
const logger = createLogger({ name: 'insurer-api', level: config.logLevel });
const handle = await openDatabase({ url: config.databaseUrl });
await migrateToLatest(handle, ['intermediate']);
const app = await buildApp(config, {
  handle,
  clock: systemClock(config.asOf),
  logger,
});
const address = await serve(app, {
  host: config.host,
  port: config.port,
  onClose: () => handle.close(),
});
logger.info({ address }, 'insurer-api listening');
