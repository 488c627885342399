// Writes the OpenAPI document (apps/eligibility-api/openapi.json) from the routes' schemas:
//   node apps/eligibility-api/dist/write-openapi.js apps/eligibility-api/openapi.json
import { writeFile } from 'node:fs/promises';
import { openDatabase } from '@shikaku/db/database';
import { migrateToLatest } from '@shikaku/db/migrate';
import { createLogger } from '@shikaku/platform/logger';
import { newSecret } from '@shikaku/platform/secrets';
import { buildApp } from './app.js';
import { DEFAULT_CONFIG } from './config.js';
import { httpUpstreams } from './upstream.js';

const out = process.argv[2] ?? 'openapi.json';
const handle = await openDatabase();
await migrateToLatest(handle, ['eligibility']);
// Never listens: throw-away secrets.
const app = await buildApp(
  { ...DEFAULT_CONFIG, serviceKey: newSecret(), tokenSecret: newSecret() },
  {
    handle,
    clock: { now: () => new Date(0) },
    logger: createLogger({ name: 'eligibility-api', level: 'warn' }),
    upstreams: httpUpstreams({ insurerApiUrl: undefined, jlisUrl: undefined, serviceKey: '' }),
  },
);
await app.ready();
await writeFile(out, `${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
await handle.close();
