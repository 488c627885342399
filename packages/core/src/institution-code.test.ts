import { describe, expect, it } from 'vitest';
import {
  institutionCodeFromBody,
  isValidInstitutionCode,
  parseInstitutionCode,
} from './institution-code.js';

describe('institution code', () => {
  it('0110113719 is a valid 医科 code in prefecture 01', () => {
    expect(parseInstitutionCode('0110113719')).toEqual({
      ok: true,
      value: { institutionCode: '0110113719', prefecture: '01', scoreTable: 'medical' },
    });
  });

  it.each([
    ['011011371', 'LENGTH'],
    ['01101137190', 'LENGTH'],
    ['011011371x', 'NOT_DIGITS'],
    ['0110113718', 'CHECK_DIGIT'],
    ['4810113719', 'PREFECTURE'],
    ['0020113710', 'PREFECTURE'],
    ['0120113719', 'SCORE_TABLE'],
    ['0150113719', 'SCORE_TABLE'],
  ])('%s is rejected for %s', (input, reason) => {
    expect(parseInstitutionCode(input)).toMatchObject({
      ok: false,
      code: 'INVALID_INSTITUTION_CODE',
      reason,
    });
    expect(isValidInstitutionCode(input)).toBe(false);
  });

  it.each([
    ['131', 'medical'],
    ['133', 'dental'],
    ['134', 'pharmacy'],
  ])('generated codes with prefix %s are valid (%s)', (prefix, scoreTable) => {
    for (let i = 0; i < 200; i++) {
      const code = institutionCodeFromBody(`${prefix}${String(i * 4_999).padStart(6, '0')}`);
      expect(isValidInstitutionCode(code)).toBe(true);
      expect(parseInstitutionCode(code)).toMatchObject({ ok: true, value: { scoreTable } });
    }
  });
});
