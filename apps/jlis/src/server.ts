// Runs the J-LIS emulator as its own process on PostgreSQL (DATABASE_URL) or an embedded PGlite.
import { systemClock } from '@shikaku/platform/system-clock';
import { openDatabase } from '@shikaku/db/database';
import { migrateToLatest } from '@shikaku/db/migrate';
import { createLogger } from '@shikaku/platform/logger';
import { readConfigOrExit } from '@shikaku/platform/secrets';
import { serve } from '@shikaku/platform/serve';
import { buildApp } from './app.js';
import { readJlisConfig } from './config.js';

const config = readConfigOrExit('jlis', () => readJlisConfig());
const logger = createLogger({ name: 'jlis', level: config.logLevel });
const handle = await openDatabase({ url: config.databaseUrl });
await migrateToLatest(handle, ['jlis']);
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
logger.info({ address }, 'jlis listening');
