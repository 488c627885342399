import { describe, expect, it } from 'vitest';
import { controllableClock } from '@shikaku/core/clock';
import { buildClockControlApp } from './clock-control.js';
import { createLogger, type Logger } from './logger.js';
import { requestLogging } from './testing/request-log.js';

describe('clock control', () => {
  const setup = () => {
    const clock = controllableClock(new Date('2021-07-31T00:00:00Z'), () => 0);
    const ran: string[] = [];
    clock.onAdvance(async (move) => {
      ran.push(move.to.toISOString());
    });
    const app = buildClockControlApp({
      clock,
      controlKey: 'ctl-key',
      logger: createLogger({ name: 'clock', level: 'silent' }),
    });
    const advance = (payload: object, key = 'ctl-key') =>
      app.inject({
        method: 'POST',
        url: '/v1/clock/advance',
        headers: { 'x-control-key': key },
        payload,
      });
    return { clock, ran, app, advance };
  };

  it('moves forward by a step or to a date, and answers after the listeners ran', async () => {
    const { app, advance, ran } = setup();
    expect((await app.inject({ method: 'GET', url: '/v1/clock' })).json()).toEqual({
      now: '2021-07-31T00:00:00.000Z',
      jstDate: '2021-07-31',
      advancedMs: 0,
    });
    const moved = await advance({ by: '24h' });
    expect(moved.json()).toEqual({
      from: '2021-07-31T00:00:00.000Z',
      now: '2021-08-01T00:00:00.000Z',
      jstDate: '2021-08-01',
      advancedMs: 86_400_000,
    });
    expect(ran).toEqual(['2021-08-01T00:00:00.000Z']);
    expect((await advance({ to: '2021-08-02' })).json()).toMatchObject({
      now: '2021-08-01T15:00:00.000Z',
      jstDate: '2021-08-02',
    });
  });

  it.each([
    [{ by: '-1h' }, 409, 'CLOCK_BACKWARDS'],
    [{ to: '2021-07-01' }, 409, 'CLOCK_BACKWARDS'],
    [{ by: 'soon' }, 400, 'INVALID_CLOCK_STEP'],
    [{}, 400, 'INVALID_CLOCK_STEP'],
    [{ by: '1h', to: '2021-08-02' }, 400, 'INVALID_CLOCK_STEP'],
    [{ by: 1 }, 400, 'INVALID_CLOCK_STEP'],
  ])('refuses %j (%i %s) and does not move', async (payload, status, code) => {
    const { advance, clock, ran } = setup();
    const answer = await advance(payload);
    expect(answer.statusCode).toBe(status);
    expect(answer.json()).toMatchObject({ code });
    expect(clock.advancedMs()).toBe(0);
    expect(ran).toEqual([]);
  });

  it('needs the control key', async () => {
    const { advance, clock } = setup();
    expect((await advance({ by: '1h' }, 'wrong')).statusCode).toBe(401);
    expect(clock.advancedMs()).toBe(0);
  });
});

describe('clock control request logger', () => {
  // The lazy logger itself is tested in request-logger.test.ts; this is the clock control's wiring.
  it('makes no pino child for a request that logs nothing, and logs a line as a child per request did', async () => {
    const clock = controllableClock(new Date('2021-07-31T00:00:00Z'), () => 0);
    const build = async (logger: Logger) =>
      buildClockControlApp({ clock, controlKey: 'ctl-key', logger });
    const seen = await requestLogging('clock', build, { url: '/v1/clock' });
    expect(seen).toMatchObject({ quietStatus: 200, childrenForQuiet: 0 });
    expect(seen.line).toEqual({ ...seen.lineFromChild, reqId: seen.reqId, myNumber: '[redacted]' });
  });
});
