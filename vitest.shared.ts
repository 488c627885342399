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
