import { describe, expect, it } from 'vitest';
import { addDays, addYears, ageOn, fromCompactDate, isIsoDate, toCompactDate } from './dates.js';

describe('dates', () => {
  it.each([
    ['2021-03-31', true],
    ['2020-02-29', true],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['2021-02-29', false],
    ['2021-04-31', false],
    ['2021-13-01', false],
    ['2021-3-31', false],
    ['20210331', false],
    ['2021-03-3a', false],
  ])('isIsoDate(%s) = %s', (s, valid) => {
    expect(isIsoDate(s)).toBe(valid);
  });

  it('adds days across months and years', () => {
    expect(addDays('2021-06-29', 1)).toBe('2021-06-30');
    expect(addDays('2020-12-31', 1)).toBe('2021-01-01');
    expect(addDays('2021-03-01', -1)).toBe('2021-02-28');
  });

  // The reference: ECMAScript's time value counts days on the proleptic Gregorian calendar in UTC
  // (ECMA-262 §21.4.1, "Time Values and Time Range"), so Date.UTC arithmetic is the calendar.
  it('adds days as the ECMAScript calendar does, every day of 1800–2200 and across eras', () => {
    const viaDate = (date: string, days: number) => {
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      return new Date(Date.UTC(y, m - 1, d) + days * 86_400_000).toISOString().slice(0, 10);
    };
    const wrong: string[] = [];
    let date = '1800-01-01';
    for (let i = 0; date < '2200-12-31'; i++) {
      if (i % 3 === 0)
        for (const days of [-1, 365, -366, 1461, -146_097, 146_097 + (i % 977)])
          if (addDays(date, days) !== viaDate(date, days)) wrong.push(`${date} ${days}`);
      const next = viaDate(date, 1);
      expect(addDays(date, 1)).toBe(next);
      date = next;
    }
    expect(wrong).toEqual([]);
  });

  it('writes years before 1000 with four digits', () => {
    expect(addDays('1000-01-01', -1)).toBe('0999-12-31');
  });

  it('adds years; 29 February becomes 1 March in a common year', () => {
    expect(addYears('1951-10-01', 70)).toBe('2021-10-01');
    expect(addYears('2000-02-29', 1)).toBe('2001-03-01');
    expect(addYears('2000-02-29', 4)).toBe('2004-02-29');
  });

  it.each([
    ['1951-10-01', '2021-09-30', 69],
    ['1951-10-01', '2021-10-01', 70],
    ['2000-02-29', '2001-02-28', 0],
    ['2000-02-29', '2001-03-01', 1],
  ])('ageOn(%s, %s) = %i', (birth, on, age) => {
    expect(ageOn(birth, on)).toBe(age);
  });

  it('converts to and from the OQS YYYYMMDD form', () => {
    expect(toCompactDate('2021-03-04')).toBe('20210304');
    expect(fromCompactDate('20210304')).toBe('2021-03-04');
  });
});
