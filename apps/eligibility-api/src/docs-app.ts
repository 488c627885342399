// The app as write-openapi and the docs benchmark build it: an in-memory database, throw-away
// secrets, no upstreams, the clock at the epoch. Never meant to serve real traffic.
import { openDatabase } from '@shikaku/db/database';
import { migrateToLatest } from '@shikaku/db/migrate';
import { createLogger } from '@shikaku/platform/logger';
import { newSecret } from '@shikaku/platform/secrets';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { DEFAULT_CONFIG } from './config.js';
import { httpUpstreams } from './upstream.js';

export async function buildDocumentationApp(): Promise<{
  app: FastifyInstance;
  close(): Promise<void>;
}> {
  const handle = await openDatabase();
  await migrateToLatest(handle, ['eligibility']);
  const app = await buildApp(
    { ...DEFAULT_CONFIG, docs: true, serviceKey: newSecret(), tokenSecret: newSecret() },
    {
      handle,
      clock: { now: () => new Date(0) },
      logger: createLogger({ name: 'eligibility-api', level: 'warn' }),
      upstreams: httpUpstreams({ insurerApiUrl: undefined, jlisUrl: undefined, serviceKey: '' }),
    },
  );
  await app.ready();
  return {
    app,
    close: async () => {
      await app.close();
      await handle.close();
    },
  };
}
