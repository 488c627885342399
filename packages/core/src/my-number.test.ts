import { describe, expect, it } from 'vitest';
import {
  isValidMyNumber,
  myNumberCheckDigit,
  myNumberFromBody,
  parseMyNumber,
} from './my-number.js';

describe('My Number', () => {
  it.each([
    ['123456789018', true],
    ['123456789010', false],
    ['000000000000', true], // sum 0, remainder 0 → check digit 0
  ])('%s valid=%s', (n, valid) => {
    expect(isValidMyNumber(n)).toBe(valid);
    expect(parseMyNumber(n).ok).toBe(valid);
  });

  it.each([
    ['12345678901', 'LENGTH'],
    ['1234567890189', 'LENGTH'],
    ['', 'LENGTH'],
    ['12345678901a', 'NOT_DIGITS'],
    ['１２３４５６７８９０１８', 'NOT_DIGITS'],
    ['1234 5678901', 'NOT_DIGITS'],
    ['123456789017', 'CHECK_DIGIT'],
  ])('%s is rejected for %s', (n, reason) => {
    const result = parseMyNumber(n);
    expect(result).toMatchObject({ ok: false, code: 'INVALID_MY_NUMBER', reason });
    expect(isValidMyNumber(n)).toBe(false);
  });

  it('remainders 0 and 1 give check digit 0', () => {
    // 00000000006: 6·2 = 12, 12 mod 11 = 1 → 0
    expect(myNumberCheckDigit('00000000006')).toBe(0);
    // 00000000001: 2 mod 11 = 2 → 9
    expect(myNumberCheckDigit('00000000001')).toBe(9);
  });

  it('every body gives a valid number, and any other last digit is invalid', () => {
    for (let i = 0; i < 500; i++) {
      const body = String((i * 7_919_413_117) % 99_999_999_999).padStart(11, '0');
      const n = myNumberFromBody(body);
      expect(isValidMyNumber(n)).toBe(true);
      const wrong = `${body}${(Number(n[11]) + 1 + (i % 9)) % 10}`;
      expect(isValidMyNumber(wrong)).toBe(false);
    }
  });

  it('rejects a malformed body', () => {
    expect(() => myNumberFromBody('123')).toThrow(RangeError);
    expect(() => myNumberFromBody('1234567890a')).toThrow(RangeError);
  });
});
