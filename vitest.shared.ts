// One vitest setup for every package: tests import workspace packages from their TypeScript
// source (the `@shikaku/source` export condition), so a change in `core` is seen without a rebuild.
import { defaultServerConditions } from 'vite';
import { defineConfig, mergeConfig } from 'vitest/config';

const conditions = ['@shikaku/source', ...defaultServerConditions];

const shared = defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Guards against a hang, not a speed check: on a shared 2-core machine under load a CPU-heavy
    // test (the matching pool, a stack start) takes minutes, and that must not fail it.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});

export default shared;

/** For packages whose tests use a database: PostgreSQL from DATABASE_URL / testcontainers. */
export const withDatabase = mergeConfig(shared, {
  test: {
    globalSetup: [new URL('./packages/db/src/testing/global-setup.ts', import.meta.url).pathname],
  },
});

/**
 * withDatabase, with the test files of a worker sharing its loaded modules (`isolate: false`):
 * PGlite's WebAssembly, Fastify and the app load once per worker instead of once per file (on the
 * 2-core machine vitest runs one worker). For packages whose tests mock no module, leave
 * process.env alone and start their own app and database in each file (docs/benchmarks.md, CI time).
 */
export const withDatabaseSharedModules = mergeConfig(withDatabase, {
  test: { isolate: false },
});
