// Every route of the intermediate server gets generated bad input (docs/decisions.md, "Fuzzing
// every route"): no 5xx, a stable code on every 4xx, nothing stored by a rejected request.
// CI runs FUZZ_RUNS_CI cases per route; `pnpm --filter @shikaku/insurer-api fuzz -- --runs 2000`.
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '@shikaku/core/clock';
import { upsertInsurer } from '@shikaku/db/intermediate/insurers';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { rowCounts } from '@shikaku/db/testing/row-counts';
import { createLogger } from '@shikaku/platform/logger';
import {
  badString,
  type FuzzFailure,
  FUZZ_TIMEOUT_MS,
  fuzzRoute,
  fuzzRuns,
  fuzzTargets,
  PLAUSIBLE_STRINGS,
} from '@shikaku/platform/testing/fuzz';
import { buildApp } from './app.js';
import { hashKey } from './auth.js';
import type { JlisClient } from './jlis-client.js';
import { testConfig } from './testing/config.js';

const FUZZ_RUNS_CI = 25;
const INSURER = '01130012';

const config = testConfig({ bulkBatchSize: 50, bulkConcurrency: 1, bulkWorkers: 0 });

const jlis: JlisClient = {
  resident: async () => null,
  certificate: async () => null,
};

const FIELDS = [
  'myNumber',
  'cardSymbol',
  'cardNumber',
  'branchNumber',
  'name',
  'nameKana',
  'birthDate',
  'address',
  'qualificationDate',
  'cardValidTo',
];

/** A CSV or NDJSON bulk file with generated bad values in some fields and headers. */
const bulkFile = fc.oneof(
  fc
    .tuple(
      fc.array(fc.oneof(fc.constantFrom(...FIELDS), badString), { minLength: 1, maxLength: 10 }),
      fc.array(
        fc.array(fc.oneof(badString, fc.constantFrom(...PLAUSIBLE_STRINGS)), { maxLength: 10 }),
        {
          maxLength: 4,
        },
      ),
    )
    .map(([header, rows]) => ({
      contentType: 'text/csv',
      body: [header.join(','), ...rows.map((row) => row.join(','))].join('\n'),
    })),
  fc
    .array(
      fc.dictionary(
        fc.constantFrom(...FIELDS),
        fc.oneof(badString, fc.constantFrom(...PLAUSIBLE_STRINGS)),
      ),
      { maxLength: 4 },
    )
    .map((lines) => ({
      contentType: 'application/x-ndjson',
      body: lines.map((line) => JSON.stringify(line)).join('\n'),
    })),
);

describeEachDatabase('insurer-api fuzz', ({ handle }) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    const clock = fixedClock(new Date('2021-07-15T01:00:00Z'));
    await upsertInsurer(
      handle(),
      { insurerNumber: INSURER, name: '保険者', keyHash: hashKey('key'), webhookUrl: null },
      clock.now(),
    );
    app = await buildApp(config, {
      handle: handle(),
      clock,
      logger: createLogger({
        name: 'insurer-api',
        level: process.env.FUZZ_DEBUG ? 'error' : 'silent',
      }),
      jlis,
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it(
    'answers generated bad input on every route with no 5xx, a code, nothing stored',
    async () => {
      const targets = fuzzTargets(app);
      expect(targets.length).toBeGreaterThan(5);
      const failures: FuzzFailure[] = [];
      for (const route of targets) {
        const { failure } = await fuzzRoute(app, route, {
          runs: fuzzRuns(FUZZ_RUNS_CI),
          headers: (r): Record<string, string> =>
            r.url.startsWith('/v1/outbox') || r.url.startsWith('/v1/internal')
              ? { 'x-service-key': 'svc' }
              : { authorization: 'Bearer key' },
          vocabulary: FIELDS,
          rawBodies: (r) => (r.url === '/v1/registrations/bulk' ? bulkFile : null),
          stored: () => rowCounts(handle(), ['intermediate']),
        });
        if (failure) failures.push(failure);
      }
      console.info(
        `fuzz: ${targets.length} routes × ${fuzzRuns(FUZZ_RUNS_CI)} cases, ${failures.length} failing`,
      );
      expect(failures).toEqual([]);
    },
    FUZZ_TIMEOUT_MS,
  );
});
