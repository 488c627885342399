import { describe, expect, it } from 'vitest';
import {
  asOfClock,
  clockStepTo,
  controllableClock,
  fixedClock,
  isControllableClock,
  jstDate,
  jstStartOfDay,
  parseClockStep,
} from './clock.js';

describe('clock', () => {
  it('a fixed clock always answers the same instant', () => {
    const clock = fixedClock(new Date('2021-07-15T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2021-07-15T00:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2021-07-15T00:00:00.000Z');
  });

  it('an as-of clock starts at the date asked for and advances with real time', () => {
    let real = Date.parse('2026-11-24T01:00:00Z');
    const clock = asOfClock(new Date('2021-07-15T00:00:00Z'), () => real);
    expect(clock.now().toISOString()).toBe('2021-07-15T00:00:00.000Z');
    real += 90_000;
    expect(clock.now().toISOString()).toBe('2021-07-15T00:01:30.000Z');
  });

  it.each([
    ['2021-08-01T14:59:59Z', '2021-08-01'],
    ['2021-08-01T15:00:00Z', '2021-08-02'],
    ['2020-12-31T15:00:00Z', '2021-01-01'],
  ])('the JST date of %s is %s', (instant, date) => {
    expect(jstDate(new Date(instant))).toBe(date);
  });

  it('a JST day starts at 15:00 UTC the day before', () => {
    expect(jstStartOfDay('2021-08-02').toISOString()).toBe('2021-08-01T15:00:00.000Z');
  });

  it('a controllable clock runs with real time and moves forward on request, telling listeners', async () => {
    let real = Date.parse('2026-11-24T01:00:00Z');
    const clock = controllableClock(new Date('2021-07-31T00:00:00Z'), () => real);
    expect(isControllableClock(clock)).toBe(true);
    expect(isControllableClock(fixedClock(new Date(0)))).toBe(false);
    const seen: string[] = [];
    const off = clock.onAdvance(async (move) => {
      await Promise.resolve();
      seen.push(`${move.from.toISOString()}→${move.to.toISOString()}`);
    });
    real += 1000;
    const move = await clock.advance(24 * 3_600_000);
    expect(move.to.toISOString()).toBe('2021-08-01T00:00:01.000Z');
    expect(clock.now().toISOString()).toBe('2021-08-01T00:00:01.000Z');
    expect(seen).toEqual(['2021-07-31T00:00:01.000Z→2021-08-01T00:00:01.000Z']);
    expect(clock.advancedMs()).toBe(86_400_000);
    off();
    await clock.advance(1);
    expect(seen).toHaveLength(1);
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
  });

  it('a failing listener does not stop the move', async () => {
    const clock = controllableClock(new Date('2021-07-31T00:00:00Z'), () => 0);
    clock.onAdvance(() => {
      throw new Error('job failed');
    });
    await expect(clock.advance(60_000)).resolves.toBeDefined();
    expect(clock.now().toISOString()).toBe('2021-07-31T00:01:00.000Z');
  });

  it.each([
    ['24h', 86_400_000],
    ['+90m', 5_400_000],
    ['1d12h', 129_600_000],
    ['2w', 1_209_600_000],
    ['500ms', 500],
    ['0s', 0],
  ])('a clock step %s is %i ms', (text, ms) => {
    expect(parseClockStep(text)).toEqual({ ok: true, value: ms });
  });

  it.each([
    ['-1h', 'CLOCK_BACKWARDS'],
    ['24', 'INVALID_CLOCK_STEP'],
    ['h', 'INVALID_CLOCK_STEP'],
    ['1.5h', 'INVALID_CLOCK_STEP'],
    ['24 hours', 'INVALID_CLOCK_STEP'],
    ['', 'INVALID_CLOCK_STEP'],
    ['9999999d', 'INVALID_CLOCK_STEP'],
  ])('a clock step %j is refused with %s', (text, code) => {
    expect(parseClockStep(text)).toMatchObject({ ok: false, code });
  });

  it('a move to a date is measured from now; an earlier one is backwards', () => {
    const now = new Date('2021-07-31T15:00:00Z');
    expect(clockStepTo(now, '2021-08-02')).toEqual({ ok: true, value: 86_400_000 });
    expect(clockStepTo(now, '2021-08-01T00:00:00+09:00')).toEqual({ ok: true, value: 0 });
    expect(clockStepTo(now, '2021-07-01')).toMatchObject({ ok: false, code: 'CLOCK_BACKWARDS' });
    expect(clockStepTo(now, 'tomorrow')).toMatchObject({ ok: false, code: 'INVALID_CLOCK_STEP' });
  });
});
