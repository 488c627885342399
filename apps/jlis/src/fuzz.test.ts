// Every route of the J-LIS emulator gets generated bad input (docs/decisions.md, "Fuzzing every
// route"): no 5xx, a stable code on every 4xx, nothing stored by a rejected request.
// `pnpm --filter @shikaku/jlis fuzz -- --runs 2000`.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { fixedClock } from '@shikaku/core/clock';
import { upsertCertificates, upsertResidents } from '@shikaku/db/jlis/residents';
import { rowCounts } from '@shikaku/db/testing/row-counts';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { createLogger } from '@shikaku/platform/logger';
import {
  FUZZ_TIMEOUT_MS,
  type FuzzFailure,
  fuzzRoute,
  fuzzRuns,
  fuzzTargets,
} from '@shikaku/platform/testing/fuzz';
import { buildApp } from './app.js';
import type { JlisConfig } from './config.js';
import { FaultInjector } from './faults.js';

const FUZZ_RUNS_CI = 25;
const NO_FAULTS = { latencyMs: 0, errorRate: 0, down: false };
const config: JlisConfig = {
  host: '127.0.0.1',
  port: 0,
  databaseUrl: undefined,
  logLevel: 'silent',
  serviceKey: 'svc',
  controlKey: 'ctl',
  faults: NO_FAULTS,
};
const clock = fixedClock(new Date('2021-07-15T00:00:00Z'));

describeEachDatabase('jlis fuzz', ({ handle }) => {
  let app: FastifyInstance;
  const faults = new FaultInjector(NO_FAULTS, () => 0.99);
  beforeAll(async () => {
    await upsertResidents(handle(), [
      {
        myNumber: '123456789018',
        name: '資格 花子',
        nameKana: 'シカク ハナコ',
        birthDate: '1989-09-13',
        sex: '2',
        address: '東京都千代田区霞が関1-2-2',
      },
    ]);
    await upsertCertificates(
      handle(),
      [{ serial: 'ABCDEF0123456789', myNumber: '123456789018', status: 'valid' }],
      clock.now(),
    );
    app = await buildApp(config, {
      handle: handle(),
      clock,
      logger: createLogger({ name: 'jlis', level: 'silent' }),
      faults,
    });
  });
  afterAll(() => app.close());

  it(
    'answers generated bad input on every route with no 5xx, a code, nothing stored',
    async () => {
      const targets = fuzzTargets(app);
      expect(targets.length).toBeGreaterThan(4);
      const failures: FuzzFailure[] = [];
      for (const route of targets) {
        const { failure } = await fuzzRoute(app, route, {
          runs: fuzzRuns(FUZZ_RUNS_CI),
          headers: () => {
            // A generated fault setting that was accepted (J-LIS down, latency) lasts one case.
            faults.update(NO_FAULTS);
            return { 'x-service-key': 'svc', 'x-control-key': 'ctl' };
          },
          vocabulary: ['status', 'down', 'latencyMs', 'errorRate', 'myNumber'],
          stored: () => rowCounts(handle(), ['jlis']),
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
