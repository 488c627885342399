// Every route of the J-LIS emulator gets generated bad input (docs/decisions.md, "Fuzzing every
// route"): no 5xx, a stable code on every 4xx, nothing stored by a rejected request.
// `pnpm --filter @shikaku/jlis fuzz -- --runs 2000`.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
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
import { seedHanako, TEST_CLOCK, TEST_CONFIG } from './testing/fixture.js';
import { FaultInjector } from './faults.js';

const FUZZ_RUNS_CI = 25;
const NO_FAULTS = { latencyMs: 0, errorRate: 0, down: false };
const config = TEST_CONFIG;
const clock = TEST_CLOCK;

describeEachDatabase('jlis fuzz', ({ handle }) => {
  let app: FastifyInstance;
  const faults = new FaultInjector(NO_FAULTS, () => 0.99);
  beforeAll(async () => {
    await seedHanako(handle(), 'ABCDEF0123456789');
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
