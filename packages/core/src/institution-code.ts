import { failure, isAsciiDigits, luhnCheckDigit, type ParseResult } from './result.js';

/**
 * 医療機関コード (with the prefecture and 点数表 prefix, 10 digits): 都道府県番号 2 + 点数表番号 1
 * (1 医科, 3 歯科, 4 調剤) + a 7-digit code whose last digit is the Luhn check over the 9 digits
 * before it. 0110113719 is valid.
 */
export type InstitutionCode = string & { readonly __brand: 'InstitutionCode' };

export const SCORE_TABLES = { '1': 'medical', '3': 'dental', '4': 'pharmacy' } as const;
export type ScoreTable = (typeof SCORE_TABLES)[keyof typeof SCORE_TABLES];

export interface ParsedInstitutionCode {
  institutionCode: InstitutionCode;
  prefecture: string;
  /** 点数表: 1 医科 → medical, 3 歯科 → dental, 4 調剤 → pharmacy. */
  scoreTable: ScoreTable;
}

export const INSTITUTION_CODE_ERROR = 'INVALID_INSTITUTION_CODE';
export const INSTITUTION_CODE_REASONS = [
  'LENGTH',
  'NOT_DIGITS',
  'PREFECTURE',
  'SCORE_TABLE',
  'CHECK_DIGIT',
] as const;
export type InstitutionCodeReason = (typeof INSTITUTION_CODE_REASONS)[number];
export type InstitutionCodeResult = ParseResult<
  ParsedInstitutionCode,
  typeof INSTITUTION_CODE_ERROR,
  InstitutionCodeReason
>;

/** Check digit for the first 9 digits. */
export function institutionCodeCheckDigit(first9: string): number {
  return luhnCheckDigit(first9, 0, 9);
}

/** A valid institution code from 9 digits chosen by the caller (prefecture, 点数表, 6-digit body). */
export function institutionCodeFromBody(first9: string): InstitutionCode {
  if (first9.length !== 9 || !isAsciiDigits(first9)) {
    throw new RangeError('an institution code body is 9 ASCII digits');
  }
  return `${first9}${luhnCheckDigit(first9)}` as InstitutionCode;
}

export function parseInstitutionCode(input: string): InstitutionCodeResult {
  if (input.length !== 10) {
    return failure(
      INSTITUTION_CODE_ERROR,
      'LENGTH',
      `an institution code has 10 digits, got ${input.length}`,
    );
  }
  if (!isAsciiDigits(input)) {
    return failure(
      INSTITUTION_CODE_ERROR,
      'NOT_DIGITS',
      'an institution code has only the digits 0-9',
    );
  }
  const prefecture = input.slice(0, 2);
  const pref = Number(prefecture);
  if (pref < 1 || pref > 47) {
    return failure(
      INSTITUTION_CODE_ERROR,
      'PREFECTURE',
      `the prefecture number must be 01-47, got ${prefecture}`,
    );
  }
  const table = input[2] as string;
  const scoreTable = (SCORE_TABLES as Record<string, ScoreTable | undefined>)[table];
  if (scoreTable === undefined) {
    return failure(
      INSTITUTION_CODE_ERROR,
      'SCORE_TABLE',
      `the 3rd digit (点数表) must be 1 医科, 3 歯科 or 4 調剤, got ${table}`,
    );
  }
  if (input.charCodeAt(9) - 48 !== luhnCheckDigit(input, 0, 9)) {
    return failure(
      INSTITUTION_CODE_ERROR,
      'CHECK_DIGIT',
      'the check digit (10th digit) does not match',
    );
  }
  return { ok: true, value: { institutionCode: input as InstitutionCode, prefecture, scoreTable } };
}

export function isValidInstitutionCode(input: string): boolean {
  if (input.length !== 10 || !isAsciiDigits(input)) return false;
  const pref = (input.charCodeAt(0) - 48) * 10 + (input.charCodeAt(1) - 48);
  const table = input.charCodeAt(2);
  return (
    pref >= 1 &&
    pref <= 47 &&
    (table === 49 || table === 51 || table === 52) &&
    input.charCodeAt(9) - 48 === luhnCheckDigit(input, 0, 9)
  );
}
