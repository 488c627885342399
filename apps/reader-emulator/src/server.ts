import { createLogger } from '@shikaku/platform/logger';
import { serve } from '@shikaku/platform/serve';
import { systemClock } from '@shikaku/platform/system-clock';
import { buildApp } from './app.js';
import { fileCardStore } from './card-store.js';
import { readReaderEmulatorConfig } from './config.js';
import { createEmulator } from './emulator.js';

// Standalone: one reader and its terminal folders, against eligibility-api at ELIGIBILITY_URL.
const config = readReaderEmulatorConfig(process.env);
const logger = createLogger({ name: 'reader-emulator', level: config.logLevel });
const emulator = createEmulator(config.readers, {
  cards: fileCardStore(config.cardsFile),
  clock: systemClock(config.asOf),
  logger,
  eligibilityUrl: config.eligibilityUrl,
  pollMs: config.pollMs,
});
const app = await buildApp(
  { docs: true },
  {
    emulator,
    logger,
    cardKeySecret: config.cardKeySecret,
    citizenOrigin: config.citizenOrigin,
  },
);
await emulator.start();
const url = await serve(app, { host: config.host, port: config.port });
for (const reader of config.readers) {
  logger.info(
    { url, reader: reader.id, requestDir: reader.requestDir, responseDir: reader.responseDir },
    'reader emulator listening',
  );
}
