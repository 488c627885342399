import { failure, isAsciiDigits, type ParseResult } from './result.js';

/**
 * 個人番号 (My Number): 12 digits, the last a check digit over the first 11:
 * 11 − (Σ dᵢ·wᵢ mod 11) with weights 6,5,4,3,2,7,6,5,4,3,2 left to right, and 0 when the
 * remainder is 0 or 1 (番号法施行令 第8条).
 */
export type MyNumber = string & { readonly __brand: 'MyNumber' };

export const MY_NUMBER_ERROR = 'INVALID_MY_NUMBER';
export const MY_NUMBER_REASONS = ['LENGTH', 'NOT_DIGITS', 'CHECK_DIGIT'] as const;
export type MyNumberReason = (typeof MY_NUMBER_REASONS)[number];
export type MyNumberResult = ParseResult<MyNumber, typeof MY_NUMBER_ERROR, MyNumberReason>;

const WEIGHTS = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

/** The check digit for an 11-digit body (ASCII digits; not validated, hot path). */
export function myNumberCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum += (body.charCodeAt(i) - 48) * WEIGHTS[i]!;
  const remainder = sum % 11;
  return remainder <= 1 ? 0 : 11 - remainder;
}

/** A valid My Number from 11 digits chosen by the caller (synthetic data). */
export function myNumberFromBody(body: string): MyNumber {
  if (body.length !== 11 || !isAsciiDigits(body)) {
    throw new RangeError('a My Number body is 11 ASCII digits');
  }
  return `${body}${myNumberCheckDigit(body)}` as MyNumber;
}

export function parseMyNumber(input: string): MyNumberResult {
  if (input.length !== 12) {
    return failure(MY_NUMBER_ERROR, 'LENGTH', `a My Number has 12 digits, got ${input.length}`);
  }
  if (!isAsciiDigits(input)) {
    return failure(MY_NUMBER_ERROR, 'NOT_DIGITS', 'a My Number has only the digits 0-9');
  }
  if (input.charCodeAt(11) - 48 !== myNumberCheckDigit(input)) {
    return failure(MY_NUMBER_ERROR, 'CHECK_DIGIT', 'the check digit (12th digit) does not match');
  }
  return { ok: true, value: input as MyNumber };
}

export function isValidMyNumber(input: string): input is MyNumber {
  return (
    input.length === 12 &&
    isAsciiDigits(input) &&
    input.charCodeAt(11) - 48 === myNumberCheckDigit(input)
  );
}
