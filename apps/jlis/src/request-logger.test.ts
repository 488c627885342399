import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import type { Logger } from '@shikaku/platform/logger';
import { requestLogging } from '@shikaku/platform/testing/request-log';
import { expect, it } from 'vitest';
import { buildApp } from './app.js';
import { seedHanako, TEST_CLOCK, TEST_CONFIG } from './testing/fixture.js';

const SERVICE_KEY = { 'x-service-key': TEST_CONFIG.serviceKey };

describeEachDatabase('jlis request logger', ({ handle }) => {
  it('makes no pino child for a certificate status request, and logs a line as a child per request did', async () => {
    await seedHanako(handle(), 'ABCDEF0123456789');
    const build = (logger: Logger) =>
      buildApp(TEST_CONFIG, { handle: handle(), clock: TEST_CLOCK, logger });
    const status = { url: '/v1/certificates/ABCDEF0123456789/status', headers: SERVICE_KEY };
    const seen = await requestLogging('jlis', build, status);
    expect(seen).toMatchObject({ quietStatus: 200, childrenForQuiet: 0 });
    expect(seen.line).toEqual({ ...seen.lineFromChild, reqId: seen.reqId, myNumber: '[redacted]' });
  });
});
