import { myNumberCheckDigit } from './my-number.js';

/**
 * Whether free text (a name, an address, a card number, a loss reason…) holds a My Number: twelve
 * digits with a valid check digit (see my-number.ts), written plain, grouped by hyphens or spaces
 * (1234-5678-9018, 1234 5678 9018) or in full-width digits (１２３４５６７８９０１８). Only the
 * intermediate server and J-LIS may hold a My Number; an insurer that types one into another field
 * would send it on to the eligibility side and into confirmation answers.
 *
 * The twelve digits must be whole groups: a longer run of digits (a 13-digit 法人番号, a 16-digit
 * account number) is not searched inside, since about one window in ten of any digit run passes
 * the check digit. Groups of one number may be joined by separators only; any other character
 * ends it.
 */
export const MY_NUMBER_IN_FREE_TEXT = 'MY_NUMBER_IN_FREE_TEXT';

const MY_NUMBER_DIGITS = 12;

/** The digit's value for 0-9 and ０-９, else -1. */
function digitValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0xff10 && code <= 0xff19) return code - 0xff10;
  return -1;
}

/** Characters people put between digit groups: spaces and the hyphen / dash / long-vowel family. */
function isSeparator(code: number): boolean {
  return (
    code === 0x20 || // space
    code === 0x09 || // tab
    code === 0xa0 || // no-break space
    code === 0x3000 || // ideographic space
    code === 0x2d || // hyphen-minus
    (code >= 0x2010 && code <= 0x2015) || // hyphen … horizontal bar
    code === 0x2212 || // minus sign
    code === 0xff0d || // full-width hyphen-minus
    code === 0x30fc || // ー (addresses write 1ー2ー3)
    code === 0xff70 // ｰ
  );
}

/** A group of digit runs joined by separators: does a sequence of whole runs make a My Number? */
function groupHoldsMyNumber(runs: string[]): boolean {
  for (let first = 0; first < runs.length; first++) {
    let digits = '';
    for (let last = first; last < runs.length; last++) {
      digits += runs[last];
      if (digits.length > MY_NUMBER_DIGITS) break;
      if (
        digits.length === MY_NUMBER_DIGITS &&
        digits.charCodeAt(11) - 0x30 === myNumberCheckDigit(digits)
      )
        return true;
    }
  }
  return false;
}

export function containsMyNumber(text: string): boolean {
  // Fast path: most free text (every name) has fewer than twelve digits in all.
  let count = 0;
  for (let i = 0; i < text.length && count < MY_NUMBER_DIGITS; i++) {
    if (digitValue(text.charCodeAt(i)) >= 0) count++;
  }
  if (count < MY_NUMBER_DIGITS) return false;

  let runs: string[] = [];
  let run = '';
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : -1;
    const value = digitValue(code);
    if (value >= 0) {
      run += String.fromCharCode(0x30 + value);
      continue;
    }
    if (run !== '') {
      runs.push(run);
      run = '';
    }
    if (code !== -1 && isSeparator(code)) continue;
    // Any other character (or the end) closes the group.
    if (runs.length > 0 && groupHoldsMyNumber(runs)) return true;
    runs = [];
  }
  return false;
}
