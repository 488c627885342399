import { LATE_ELDERLY_HOUBETSU } from './insurer-number.js';
import { failure, isAsciiDigits, type ParseResult } from './result.js';

/**
 * 被保険者証の記号・番号・枝番. All three are strings: leading zeros are significant ("0012" ≠ "12").
 * 記号 may hold digits, letters, kana or kanji on real cards; 番号 likewise. 枝番 is two digits
 * (introduced 2021 for each insured person on a card); clients often omit it. 後期高齢者 cards
 * (法別番号 39) have no 記号.
 */
export interface InsuredCard {
  /** 記号; null on 後期高齢者 cards. */
  symbol: string | null;
  /** 番号 */
  number: string;
  /** 枝番, two digits, or null when the client omitted it. */
  branch: string | null;
}

export interface InsuredCardInput {
  symbol?: string | null | undefined;
  number: string;
  branch?: string | null | undefined;
  /** When given, decides whether a 記号 is required (not for 法別 39). */
  insurerNumber?: string | undefined;
}

export const INSURED_CARD_ERROR = 'INVALID_INSURED_CARD';
export const INSURED_CARD_REASONS = [
  'SYMBOL_REQUIRED',
  'SYMBOL_NOT_ALLOWED',
  'SYMBOL_FORMAT',
  'NUMBER_REQUIRED',
  'NUMBER_FORMAT',
  'BRANCH_FORMAT',
] as const;
export type InsuredCardReason = (typeof INSURED_CARD_REASONS)[number];
export type InsuredCardResult = ParseResult<
  InsuredCard,
  typeof INSURED_CARD_ERROR,
  InsuredCardReason
>;

/** Field length of 記号 and 番号 in the OQS messages (全角 counts as one character here). */
export const INSURED_CARD_FIELD_MAX = 38;

/** True for the 後期高齢者医療 insurer numbers (8 digits, 法別 39). */
export function isLateElderlyInsurer(insurerNumber: string): boolean {
  const s = insurerNumber.trim();
  return s.length === 8 && s.startsWith(LATE_ELDERLY_HOUBETSU);
}

function hasControlOrSpace(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x3000) return true;
  }
  return false;
}

export function parseInsuredCard(input: InsuredCardInput): InsuredCardResult {
  const lateElderly =
    input.insurerNumber !== undefined && isLateElderlyInsurer(input.insurerNumber);
  const symbol = input.symbol === undefined || input.symbol === null ? '' : input.symbol.trim();
  if (lateElderly && symbol !== '') {
    return failure(
      INSURED_CARD_ERROR,
      'SYMBOL_NOT_ALLOWED',
      '後期高齢者 cards (法別番号 39) have no 記号',
    );
  }
  if (input.insurerNumber !== undefined && !lateElderly && symbol === '') {
    return failure(INSURED_CARD_ERROR, 'SYMBOL_REQUIRED', 'the 記号 (card symbol) is required');
  }
  if (symbol.length > INSURED_CARD_FIELD_MAX || hasControlOrSpace(symbol)) {
    return failure(
      INSURED_CARD_ERROR,
      'SYMBOL_FORMAT',
      `the 記号 has at most ${INSURED_CARD_FIELD_MAX} characters and no spaces`,
    );
  }
  const number = input.number.trim();
  if (number === '') {
    return failure(INSURED_CARD_ERROR, 'NUMBER_REQUIRED', 'the 番号 (card number) is required');
  }
  if (number.length > INSURED_CARD_FIELD_MAX || hasControlOrSpace(number)) {
    return failure(
      INSURED_CARD_ERROR,
      'NUMBER_FORMAT',
      `the 番号 has at most ${INSURED_CARD_FIELD_MAX} characters and no spaces`,
    );
  }
  let branch: string | null = null;
  const rawBranch = input.branch === undefined || input.branch === null ? '' : input.branch.trim();
  if (rawBranch !== '') {
    if (rawBranch.length > 2 || !isAsciiDigits(rawBranch)) {
      return failure(INSURED_CARD_ERROR, 'BRANCH_FORMAT', 'the 枝番 is two digits (00-99)');
    }
    branch = rawBranch.length === 1 ? `0${rawBranch}` : rawBranch;
  }
  return { ok: true, value: { symbol: symbol === '' ? null : symbol, number, branch } };
}

/** A 枝番 from a number 0–99, two digits with a leading zero. */
export function formatBranchNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 99) throw new RangeError('枝番 is 0-99');
  return n < 10 ? `0${n}` : String(n);
}
