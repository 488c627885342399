// Every route of the reader emulator gets generated bad input (docs/decisions.md, "Fuzzing every
// route"): no 5xx and a stable code on every 4xx. It stores nothing in a database: its state is
// the readers' and the fake eligibility service's. `pnpm --filter @shikaku/reader-emulator fuzz`.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '@shikaku/platform/logger';
import {
  FUZZ_TIMEOUT_MS,
  type FuzzFailure,
  fuzzRoute,
  fuzzRuns,
  fuzzTargets,
} from '@shikaku/platform/testing/fuzz';
import { buildApp } from './app.js';
import { type EmulatorFixture, startEmulatorFixture } from './testing/emulator-fixture.js';

const FUZZ_RUNS_CI = 40;

let fixture: EmulatorFixture;
let app: FastifyInstance;
beforeAll(async () => {
  fixture = await startEmulatorFixture();
  app = await buildApp(
    { docs: true },
    { emulator: fixture.emulator, logger: createLogger({ name: 'reader', level: 'silent' }) },
  );
});
afterAll(async () => {
  await app.close();
  await fixture.close();
});

it(
  'answers generated bad input on every route with no 5xx and a code on every 4xx',
  async () => {
    const targets = fuzzTargets(app);
    expect(targets.length).toBeGreaterThan(5);
    const failures: FuzzFailure[] = [];
    for (const route of targets) {
      const { failure } = await fuzzRoute(app, route, {
        runs: fuzzRuns(FUZZ_RUNS_CI),
        vocabulary: ['certificateSerial', 'similarity', 'pin', 'steps', 'model', 'consents'],
        paramValues: ['clinic', 'pharmacy', 'hospital'],
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
