import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import type { Logger } from '@shikaku/platform/logger';
import { requestLogging } from '@shikaku/platform/testing/request-log';
import { expect, it } from 'vitest';
import { buildApp } from './app.js';
import { readPortalConfig } from './config.js';
import { MovableClock } from './testing/harness.js';

// The lazy logger itself is tested in platform; this is the portal's wiring of it.
describeEachDatabase('portal request logger', ({ handle }) => {
  it('makes no pino child for a request that logs nothing, and logs a line as a child per request did', async () => {
    const clock = new MovableClock('2021-03-01T10:00:00+09:00');
    const build = (logger: Logger) =>
      buildApp(readPortalConfig({}), { handle: handle(), clock, logger });
    const seen = await requestLogging('portal', build, { url: '/health' });
    expect(seen).toMatchObject({ quietStatus: 200, childrenForQuiet: 0 });
    expect(seen.line).toEqual({ ...seen.lineFromChild, reqId: seen.reqId, myNumber: '[redacted]' });
  });
});
