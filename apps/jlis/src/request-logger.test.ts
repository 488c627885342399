import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { requestLogging } from '@shikaku/platform/testing/request-log';
import { expect, it } from 'vitest';
import { buildApp } from './app.js';
import { seedHanako, TEST_CLOCK, TEST_CONFIG } from './testing/fixture.js';

describeEachDatabase('jlis request logger', ({ handle }) => {
  it('makes no pino child for a certificate status request, and logs a line as a child per request did', async () => {
    await seedHanako(handle(), 'ABCDEF0123456789');
    const seen = await requestLogging(
      'jlis',
      (logger) => buildApp(TEST_CONFIG, { handle: handle(), clock: TEST_CLOCK, logger }),
      {
        method: 'GET',
        url: '/v1/certificates/ABCDEF0123456789/status',
        headers: { 'x-service-key': TEST_CONFIG.serviceKey },
      },
    );
    expect(seen.quietStatus).toBe(200);
    expect(seen.childrenForQuiet).toBe(0);
    expect(seen.line).toMatchObject({ reqId: seen.reqId, myNumber: '[redacted]' });
    expect(seen.line).toEqual(seen.eagerLine);
  });
});
