import { failure, isAsciiDigits, luhnCheckDigit, type ParseResult } from './result.js';

/**
 * 保険者番号: 8 digits 法別番号 2 + 都道府県番号 2 + 保険者別番号 3 + check digit, or 6 digits for
 * 国民健康保険 (都道府県 2 + 保険者別 3 + check). The check digit is Luhn over the digits before it.
 *
 * Real clients pad 6-digit numbers to 8 with leading zeros or spaces ("00138057", "  138057");
 * parsing accepts those and returns the canonical 6 digits. No 法別番号 is 00, so an 8-digit input
 * starting with 00 is always a padded 国保 number.
 */
export type InsurerNumber = string & { readonly __brand: 'InsurerNumber' };

export interface ParsedInsurerNumber {
  /** Canonical: 8 digits, or 6 for 国保 (padding removed). */
  insurerNumber: InsurerNumber;
  /** 'national-health' for 6-digit 国保 numbers. */
  kind: 'employee-or-other' | 'national-health';
  /** 法別番号, null for 国保 (which has none). */
  houbetsu: string | null;
  /** 都道府県番号 01–47. */
  prefecture: string;
}

export const INSURER_NUMBER_ERROR = 'INVALID_INSURER_NUMBER';
export const INSURER_NUMBER_REASONS = [
  'LENGTH',
  'NOT_DIGITS',
  'PREFECTURE',
  'CHECK_DIGIT',
] as const;
export type InsurerNumberReason = (typeof INSURER_NUMBER_REASONS)[number];
export type InsurerNumberResult = ParseResult<
  ParsedInsurerNumber,
  typeof INSURER_NUMBER_ERROR,
  InsurerNumberReason
>;

/** 法別番号 of 後期高齢者医療: their cards carry no 記号. */
export const LATE_ELDERLY_HOUBETSU = '39';

/** Check digit for a 5-digit (国保) or 7-digit body. */
export function insurerNumberCheckDigit(body: string): number {
  return luhnCheckDigit(body);
}

/** A valid insurer number from a 5-digit (国保) or 7-digit body chosen by the caller. */
export function insurerNumberFromBody(body: string): InsurerNumber {
  if ((body.length !== 5 && body.length !== 7) || !isAsciiDigits(body)) {
    throw new RangeError('an insurer number body is 5 (国保) or 7 ASCII digits');
  }
  return `${body}${luhnCheckDigit(body)}` as InsurerNumber;
}

/** Removes the padding real clients send (surrounding spaces; zeros padding a 国保 number to 8). */
export function unpadInsurerNumber(input: string): string {
  let s = input.trim();
  if (s.length === 8 && s.startsWith('00')) s = s.slice(2);
  else if (s.length === 7 && s.charCodeAt(0) === 48) s = s.slice(1);
  return s;
}

/** The 8-character form some messages use: 国保 numbers padded with leading zeros. */
export function padInsurerNumber(insurerNumber: string): string {
  return insurerNumber.padStart(8, '0');
}

export function parseInsurerNumber(input: string): InsurerNumberResult {
  const s = unpadInsurerNumber(input);
  if (s.length !== 8 && s.length !== 6) {
    return failure(
      INSURER_NUMBER_ERROR,
      'LENGTH',
      `an insurer number has 8 digits (6 for 国保), got ${s.length}`,
    );
  }
  if (!isAsciiDigits(s)) {
    return failure(INSURER_NUMBER_ERROR, 'NOT_DIGITS', 'an insurer number has only the digits 0-9');
  }
  const national = s.length === 6;
  const prefecture = national ? s.slice(0, 2) : s.slice(2, 4);
  const pref = Number(prefecture);
  if (pref < 1 || pref > 47) {
    return failure(
      INSURER_NUMBER_ERROR,
      'PREFECTURE',
      `the prefecture number must be 01-47, got ${prefecture}`,
    );
  }
  if (s.charCodeAt(s.length - 1) - 48 !== luhnCheckDigit(s, 0, s.length - 1)) {
    return failure(
      INSURER_NUMBER_ERROR,
      'CHECK_DIGIT',
      'the check digit (last digit) does not match',
    );
  }
  return {
    ok: true,
    value: {
      insurerNumber: s as InsurerNumber,
      kind: national ? 'national-health' : 'employee-or-other',
      houbetsu: national ? null : s.slice(0, 2),
      prefecture,
    },
  };
}

export function isValidInsurerNumber(input: string): boolean {
  const s = unpadInsurerNumber(input);
  if ((s.length !== 8 && s.length !== 6) || !isAsciiDigits(s)) return false;
  const at = s.length === 6 ? 0 : 2;
  const pref = (s.charCodeAt(at) - 48) * 10 + (s.charCodeAt(at + 1) - 48);
  return (
    pref >= 1 &&
    pref <= 47 &&
    s.charCodeAt(s.length - 1) - 48 === luhnCheckDigit(s, 0, s.length - 1)
  );
}
