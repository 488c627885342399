import { fixedClock } from '@shikaku/core/clock';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import type { Logger } from '@shikaku/platform/logger';
import { requestLogging } from '@shikaku/platform/testing/request-log';
import { expect, it } from 'vitest';
import { buildApp } from './app.js';
import { testConfig } from './testing/config.js';

describeEachDatabase('insurer-api request logger', ({ handle }) => {
  it('makes no pino child for an outbox page, and logs a line as a child per request did', async () => {
    const config = testConfig();
    const clock = fixedClock(new Date('2021-07-15T00:00:00Z'));
    const build = (logger: Logger) => buildApp(config, { handle: handle(), clock, logger });
    const outbox = {
      url: '/v1/outbox/qualifications',
      headers: { 'x-service-key': config.serviceKey },
    };
    const seen = await requestLogging('insurer-api', build, outbox);
    expect(seen).toMatchObject({ quietStatus: 200, childrenForQuiet: 0 });
    expect(seen.line).toEqual({ ...seen.lineFromChild, reqId: seen.reqId, myNumber: '[redacted]' });
  });
});
