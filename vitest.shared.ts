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
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});

export default shared;

/** For packages whose tests use a database: PostgreSQL from DATABASE_URL / testcontainers. */
export const withDatabase = mergeConfig(shared, {
  test: {
    globalSetup: [new URL('./packages/db/src/testing/global-setup.ts', import.meta.url).pathname],
  },
});
