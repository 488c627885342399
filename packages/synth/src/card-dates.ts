import { civilFromDays, daysFromCivil, daysFromIso, isoFromDays } from './days.js';
import { hash3 } from './prng.js';

/** The insurance card's dates of a synthetic qualification (YYYY-MM-DD). */
export interface SyntheticCardDates {
  /** 被保険者証交付年月日 */
  cardIssuedOn: string;
  /** 被保険者証有効開始年月日 */
  cardValidFrom: string;
  /** 被保険者証有効終了年月日, or null for a card without an end date. */
  cardValidTo: string | null;
}

/** Days after the qualification date a card is issued: 0…MAX_ISSUE_DELAY, seeded per person. */
export const MAX_ISSUE_DELAY = 7;
const CARD_STREAM = 0xca4d;

/**
 * Plausible card dates for person `index`'s qualification, from the seed alone (its own hash
 * stream, so no other field's sequence moves). No public source says how insurers date cards;
 * the rule is simple and deliberate:
 * - valid from the qualification date (有効開始日 = 資格取得日);
 * - issued on the qualification date or up to MAX_ISSUE_DELAY days after, never after `asOf`;
 * - valid to, by the insurer number: 後期高齢者 (8-digit numbers starting with 39, cards renewed
 *   every August 1) the next July 31, 国保 (6-digit numbers, renewed every October 1) the next
 *   September 30, after the later of the qualification date and `asOf`, so a member's card is
 *   never expired on the date the population describes; 協会けんぽ, 組合健保 and 共済 cards have
 *   no end date (null).
 */
export function syntheticCardDates(
  seed: number,
  index: number,
  insurerNumber: string,
  qualificationDate: string,
  asOf: string,
): SyntheticCardDates {
  return cardDatesFromDays(
    seed,
    index,
    insurerNumber,
    daysFromIso(qualificationDate),
    daysFromIso(asOf),
  );
}

/** syntheticCardDates with the dates as days since 1970-01-01 (the population's own form). */
export function cardDatesFromDays(
  seed: number,
  index: number,
  insurerNumber: string,
  qualificationDays: number,
  asOfDays: number,
): SyntheticCardDates {
  const delay = hash3(seed, CARD_STREAM, index) % (MAX_ISSUE_DELAY + 1);
  const issued = Math.max(qualificationDays, Math.min(qualificationDays + delay, asOfDays));
  // 国保 numbers are 6 digits (a 国保 of prefecture 39 starts with 39 too); 後期高齢者 are 39 + 6.
  const endMonthDay: [number, number] | null =
    insurerNumber.length === 6
      ? [9, 30]
      : insurerNumber.length === 8 && insurerNumber.startsWith('39')
        ? [7, 31]
        : null;
  return {
    cardIssuedOn: isoFromDays(issued),
    cardValidFrom: isoFromDays(qualificationDays),
    cardValidTo:
      endMonthDay && isoFromDays(nextAfter(Math.max(qualificationDays, asOfDays), ...endMonthDay)),
  };
}

/** The first month/day strictly after `days`. */
function nextAfter(days: number, month: number, day: number): number {
  const [year] = civilFromDays(days);
  const thisYear = daysFromCivil(year, month, day);
  return thisYear > days ? thisYear : daysFromCivil(year + 1, month, day);
}
