import { describe, expect, it } from 'vitest';
import { myNumberFromBody } from './my-number.js';
import { containsMyNumber } from './my-number-in-text.js';

// DESIGN.md: check digit = 11 − (Σ dᵢ·wᵢ mod 11), weights 6,5,4,3,2,7,6,5,4,3,2; 123456789018 is valid.
const VALID = '123456789018';
const WRONG_CHECK = '123456789017';

describe('a My Number in free text', () => {
  it.each([
    ['plain', VALID],
    ['hyphenated 4-4-4', '1234-5678-9018'],
    ['spaced 4 4 4', '1234 5678 9018'],
    ['ideographic spaces', '1234　5678　9018'],
    ['one digit at a time', '1 2 3 4 5 6 7 8 9 0 1 8'],
    ['full-width digits', '１２３４５６７８９０１８'],
    ['full-width, full-width hyphens', '１２３４－５６７８－９０１８'],
    ['long-vowel marks as hyphens', '1234ー5678ー9018'],
    ['inside a name', `資格${VALID}花子`],
    ['after an address', '東京都千代田区霞が関1-2-3 1234-5678-9018'],
    ['in a card number field', `No.${VALID}`],
    ['with a remainder ≤ 1 (check digit 0)', myNumberFromBody('20000000000')],
  ])('is found %s', (_how, text) => {
    expect(containsMyNumber(text)).toBe(true);
  });

  it.each([
    ['a wrong check digit', WRONG_CHECK],
    ['a wrong check digit, hyphenated', '1234-5678-9017'],
    ['a name', 'シカク ハナコ'],
    ['an address', '東京都千代田区霞が関1-2-3 霞が関ビル101号室'],
    ['a phone number', '03-1234-5678'],
    ['a 13-digit corporate number (not searched inside)', `${VALID}0`],
    ['11 digits', '12345678901'],
    ['digits split by another character', '123456.789018'],
    ['an empty text', ''],
  ])('is not found in %s', (_how, text) => {
    expect(containsMyNumber(text)).toBe(false);
  });

  it('finds every valid number of a seeded sample, in each way of writing it', () => {
    let seed = 20211020;
    for (let n = 0; n < 200; n++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const number = myNumberFromBody(String(seed % 1e11).padStart(11, '0'));
      const fullWidth = number.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
      const grouped = `${number.slice(0, 4)}-${number.slice(4, 8)}-${number.slice(8)}`;
      for (const text of [number, fullWidth, grouped, `住所${grouped}番地`])
        expect(containsMyNumber(text), text).toBe(true);
      const wrong = `${number.slice(0, 11)}${(Number(number[11]) + 1) % 10}`;
      expect(containsMyNumber(wrong), wrong).toBe(false);
    }
  });
});
