import { describe, expect, it } from 'vitest';
import {
  insurerNumberFromBody,
  isValidInsurerNumber,
  padInsurerNumber,
  parseInsurerNumber,
} from './insurer-number.js';

describe('insurer number', () => {
  it.each([
    ['01130012', '01130012', 'employee-or-other', '01', '13'],
    ['138057', '138057', 'national-health', null, '13'],
    ['00138057', '138057', 'national-health', null, '13'],
    ['  138057', '138057', 'national-health', null, '13'],
    ['0138057', '138057', 'national-health', null, '13'],
    [' 01130012 ', '01130012', 'employee-or-other', '01', '13'],
  ])('%j parses to %s', (input, canonical, kind, houbetsu, prefecture) => {
    expect(parseInsurerNumber(input)).toEqual({
      ok: true,
      value: { insurerNumber: canonical, kind, houbetsu, prefecture },
    });
    expect(isValidInsurerNumber(input)).toBe(true);
  });

  it.each([
    ['0113002', 'CHECK_DIGIT'], // 7 digits starting with 0 → padded 国保 "113002"
    ['011300123', 'LENGTH'],
    ['12345', 'LENGTH'],
    ['', 'LENGTH'],
    ['0113001a', 'NOT_DIGITS'],
    ['01130013', 'CHECK_DIGIT'],
    ['138058', 'CHECK_DIGIT'],
    ['01480016', 'PREFECTURE'],
    ['008057', 'PREFECTURE'],
  ])('%j is rejected for %s', (input, reason) => {
    expect(parseInsurerNumber(input)).toMatchObject({
      ok: false,
      code: 'INVALID_INSURER_NUMBER',
      reason,
    });
    expect(isValidInsurerNumber(input)).toBe(false);
  });

  it('generates valid numbers from any body', () => {
    expect(insurerNumberFromBody('0113001')).toBe('01130012');
    expect(insurerNumberFromBody('13805')).toBe('138057');
    for (let pref = 1; pref <= 47; pref++) {
      const p = String(pref).padStart(2, '0');
      expect(isValidInsurerNumber(insurerNumberFromBody(`06${p}123`))).toBe(true);
      expect(isValidInsurerNumber(insurerNumberFromBody(`${p}999`))).toBe(true);
    }
    expect(() => insurerNumberFromBody('123456')).toThrow(RangeError);
  });

  it('pads 国保 numbers to 8 for fixed-width fields', () => {
    expect(padInsurerNumber('138057')).toBe('00138057');
    expect(padInsurerNumber('01130012')).toBe('01130012');
  });
});
