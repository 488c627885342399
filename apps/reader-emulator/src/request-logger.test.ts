import type { Logger } from '@shikaku/platform/logger';
import { requestLogging } from '@shikaku/platform/testing/request-log';
import { expect, it } from 'vitest';
import { buildApp } from './app.js';
import { startEmulatorFixture } from './testing/emulator-fixture.js';

// The lazy logger itself is tested in platform; this is the reader emulator's wiring of it.
it('makes no pino child for a request that logs nothing, and logs a line as a child per request did', async () => {
  const fixture = await startEmulatorFixture();
  try {
    const build = (logger: Logger) =>
      buildApp({ docs: false }, { emulator: fixture.emulator, logger });
    const seen = await requestLogging('reader-emulator', build, { url: '/health' });
    expect(seen).toMatchObject({ quietStatus: 200, childrenForQuiet: 0 });
    expect(seen.line).toEqual({ ...seen.lineFromChild, reqId: seen.reqId, myNumber: '[redacted]' });
  } finally {
    await fixture.close();
  }
});
