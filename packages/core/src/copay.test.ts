import { describe, expect, it } from 'vitest';
import { determineCopay, elderlyFrom, lateElderlyFrom, preschoolEnd } from './copay.js';

describe('copay brackets', () => {
  it.each([
    ['2015-04-02', '2022-03-31'], // reaches 6 on 2021-04-01 → next 31 March
    ['2015-04-01', '2021-03-31'], // reaches 6 on 2021-03-31 (the day before the birthday)
    ['2015-03-31', '2021-03-31'],
    ['2015-01-01', '2021-03-31'],
    ['2015-12-31', '2022-03-31'],
    ['2016-02-29', '2022-03-31'],
  ])('born %s: preschool ratio until %s', (birth, end) => {
    expect(preschoolEnd(birth)).toBe(end);
  });

  it.each([
    ['1951-10-01', '2021-10-01'], // born on the 1st: the birthday month itself
    ['1951-10-02', '2021-11-01'],
    ['1951-10-31', '2021-11-01'],
    ['1951-12-15', '2022-01-01'],
    ['1952-01-01', '2022-01-01'],
    ['1952-02-29', '2022-03-01'],
  ])('born %s: 70–74 ratio from %s', (birth, from) => {
    expect(elderlyFrom(birth)).toBe(from);
  });

  it('後期高齢者 from the 75th birthday', () => {
    expect(lateElderlyFrom('1946-10-15')).toBe('2021-10-15');
  });
});

describe('determineCopay', () => {
  it.each([
    // preschool
    ['2015-04-02', '2022-03-31', 'general', '020', 'PRESCHOOL', true],
    ['2015-04-02', '2022-04-01', 'general', '030', 'WORKING_AGE', false],
    ['2015-04-01', '2021-03-31', 'general', '020', 'PRESCHOOL', true],
    ['2015-04-01', '2021-04-01', 'general', '030', 'WORKING_AGE', false],
    ['2021-03-01', '2021-03-01', 'active-equivalent', '020', 'PRESCHOOL', true],
    // working age to 69; income class does not matter
    ['1980-05-05', '2021-07-15', 'active-equivalent', '030', 'WORKING_AGE', false],
    // 70–74 from the 1st of the next month (the month itself when born on the 1st)
    ['1951-10-02', '2021-10-31', 'general', '030', 'WORKING_AGE', false],
    ['1951-10-02', '2021-11-01', 'general', '020', 'ELDERLY_70_74', false],
    ['1951-10-01', '2021-09-30', 'general', '030', 'WORKING_AGE', false],
    ['1951-10-01', '2021-10-01', 'general', '020', 'ELDERLY_70_74', false],
    [
      '1951-10-02',
      '2021-11-01',
      'active-equivalent',
      '030',
      'ELDERLY_70_74_ACTIVE_EQUIVALENT',
      false,
    ],
    ['1951-10-02', '2021-11-01', 'certain-income', '020', 'ELDERLY_70_74', false],
    // 75+ from the birthday
    ['1946-10-15', '2021-10-14', 'general', '020', 'ELDERLY_70_74', false],
    ['1946-10-15', '2021-10-15', 'general', '010', 'LATE_ELDERLY', false],
    [
      '1946-10-15',
      '2021-10-15',
      'active-equivalent',
      '030',
      'LATE_ELDERLY_ACTIVE_EQUIVALENT',
      false,
    ],
    // 一定以上所得 pays 2割 from 2022-10-01
    ['1940-01-01', '2022-09-30', 'certain-income', '010', 'LATE_ELDERLY', false],
    ['1940-01-01', '2022-10-01', 'certain-income', '020', 'LATE_ELDERLY_CERTAIN_INCOME', false],
    ['1940-01-01', '2022-10-01', 'general', '010', 'LATE_ELDERLY', false],
  ] as const)('born %s, care %s, %s → %s %s', (birth, on, income, code, reason, preschool) => {
    expect(determineCopay(birth, on, income)).toMatchObject({
      ratioCode: code,
      ratio: Number(code) / 100,
      reason,
      preschool,
      preschoolClassification: preschool ? '1' : null,
    });
  });

  it('defaults to the general income class', () => {
    expect(determineCopay('1940-01-01', '2023-01-01').ratioCode).toBe('010');
  });

  it('says from when the bracket applies', () => {
    expect(determineCopay('1940-01-01', '2023-01-01', 'certain-income').bracketFrom).toBe(
      '2022-10-01',
    );
    expect(determineCopay('1951-10-02', '2022-01-01').bracketFrom).toBe('2021-11-01');
  });

  it('rejects care before birth', () => {
    expect(() => determineCopay('2021-03-01', '2021-02-28')).toThrow(RangeError);
  });
});
