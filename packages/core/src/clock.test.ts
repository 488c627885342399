import { describe, expect, it } from 'vitest';
import { asOfClock, fixedClock, jstDate, jstStartOfDay } from './clock.js';

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
});
