import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { lazyChildLogger } from './request-logger.js';
import { countingLogger } from './testing/request-log.js';

function capture() {
  const { logger, lines, children } = countingLogger('eligibility-api', 'info');
  return { lines, parent: logger as unknown as FastifyBaseLogger, children };
}

describe('request logger', () => {
  it('makes no pino child for a request that logs nothing at an enabled level', () => {
    const { lines, parent, children } = capture();
    const log = lazyChildLogger(parent, { reqId: 'req-1' });
    log.debug({ detail: 1 }, 'below the level');
    expect(children()).toBe(0);
    expect(lines).toEqual([]);
    expect(log.level).toBe('info');
  });

  it("writes a route's lines at its own level when it differs from the parent's", () => {
    const { lines, parent } = capture();
    const log = lazyChildLogger(parent, { reqId: 'req-3' }, { level: 'debug' });
    log.debug('route detail');
    expect(lines).toMatchObject([{ reqId: 'req-3', msg: 'route detail' }]);
  });

  it('writes every line with the request id, through one child, with personal data redacted', () => {
    const { lines, parent, children } = capture();
    const log = lazyChildLogger(parent, { reqId: 'req-2' });
    log.error({ myNumber: '123456789018' }, 'request failed');
    log.warn('again');
    expect(children()).toBe(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      reqId: 'req-2',
      msg: 'request failed',
      myNumber: '[redacted]',
    });
    expect(lines[1]).toMatchObject({ reqId: 'req-2', msg: 'again' });
  });
});
