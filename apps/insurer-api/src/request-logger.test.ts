import { fixedClock } from '@shikaku/core/clock';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { requestLogging } from '@shikaku/platform/testing/request-log';
import { expect, it } from 'vitest';
import { buildApp } from './app.js';
import { testConfig } from './testing/config.js';

describeEachDatabase('insurer-api request logger', ({ handle }) => {
  it('makes no pino child for an outbox page, and logs a line as a child per request did', async () => {
    const config = testConfig();
    const clock = fixedClock(new Date('2021-07-15T00:00:00Z'));
    const seen = await requestLogging(
      'insurer-api',
      (logger) => buildApp(config, { handle: handle(), clock, logger }),
      {
        method: 'GET',
        url: '/v1/outbox/qualifications',
        headers: { 'x-service-key': config.serviceKey },
      },
    );
    expect(seen.quietStatus).toBe(200);
    expect(seen.childrenForQuiet).toBe(0);
    expect(seen.line).toMatchObject({ reqId: seen.reqId, myNumber: '[redacted]' });
    expect(seen.line).toEqual(seen.eagerLine);
  });
});
