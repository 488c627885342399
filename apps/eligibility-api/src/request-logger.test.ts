import { fixedClock } from '@shikaku/core/clock';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { AppError } from '@shikaku/platform/errors';
import type { Logger } from '@shikaku/platform/logger';
import { requestLogging } from '@shikaku/platform/testing/request-log';
import { expect, it } from 'vitest';
import { buildApp } from './app.js';
import { DEFAULT_CONFIG } from './config.js';
import { TEST_SECRETS } from './testing/fixture.js';
import type { Upstreams } from './upstream.js';

// The lazy logger itself is tested in platform; this is eligibility-api's wiring of it.
const unreachable = async (): Promise<never> => {
  throw new AppError('UPSTREAM_UNAVAILABLE', 'no upstreams in this test');
};
const upstreams: Upstreams = {
  resolveCertificate: unreachable,
  certificateStatus: unreachable,
  fetchOutbox: unreachable,
};

describeEachDatabase('eligibility-api request logger', ({ handle }) => {
  it('makes no pino child for a request that logs nothing, and logs a line as a child per request did', async () => {
    const config = {
      ...DEFAULT_CONFIG,
      ...TEST_SECRETS,
      outboxPollMs: 0,
      loadShedding: { ...DEFAULT_CONFIG.loadShedding, maxEventLoopDelayMs: 0 },
    };
    const clock = fixedClock(new Date('2021-07-15T01:00:00Z'));
    const build = (logger: Logger) =>
      buildApp(config, { handle: handle(), clock, logger, upstreams });
    const seen = await requestLogging('eligibility-api', build, { url: '/health' });
    expect(seen).toMatchObject({ quietStatus: 200, childrenForQuiet: 0 });
    expect(seen.line).toEqual({ ...seen.lineFromChild, reqId: seen.reqId, myNumber: '[redacted]' });
  });
});
