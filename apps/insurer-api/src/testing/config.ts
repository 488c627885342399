import { type InsurerApiConfig, parsePolicy } from '../config.js';

/**
 * The configuration the app's tests build it with: explicit secrets, jobs off (tests run them),
 * J-LIS unused unless a test passes its own client, small bulk batches. `overrides` replaces
 * top-level fields.
 */
export function testConfig(overrides: Partial<InsurerApiConfig> = {}): InsurerApiConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    databaseUrl: undefined,
    logLevel: 'silent',
    serviceKey: 'svc',
    jlis: { url: 'http://unused', serviceKey: 'x', timeoutMs: 100 },
    personRefSecret: 'test-secret',
    policy: parsePolicy('seed'),
    jobs: {
      enabled: false,
      checkIntervalMs: 1000,
      rematchIntervalMs: 1000,
      retryBaseMs: 1000,
      retryMaxMs: 60_000,
    },
    bulkBatchSize: 2,
    bulkConcurrency: 2,
    bulkWorkers: 2,
    ...overrides,
  };
}
