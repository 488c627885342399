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
