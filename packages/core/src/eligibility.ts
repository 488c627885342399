import type { IsoDate } from './dates.js';

/**
 * Eligibility determination (資格有効性): what a confirmation answers for the qualifications found
 * by a search on a confirmation date. OQS QualificationValidity:
 * 1 有効 (valid), 2 無効 (lost), 3 無効（新しい資格あり） (lost, the person has a newer
 * qualification), 4 該当資格なし (no such qualification), 5 複数該当 (multiple matches).
 *
 * A qualification is in force on a date d when qualificationDate ≤ d < disqualificationDate:
 * 資格喪失日 is the first day without cover (the day after leaving a job), so a confirmation on
 * the loss date itself is already invalid.
 */
export interface QualificationPeriod {
  qualificationId: string;
  /** YYYY-MM-DD acquired. */
  qualificationDate: IsoDate;
  /** YYYY-MM-DD lost (first day not covered), or null while current. */
  disqualificationDate: IsoDate | null;
}

export const QUALIFICATION_VALIDITY = {
  VALID: '1',
  LOST: '2',
  LOST_WITH_NEWER: '3',
  NOT_FOUND: '4',
  MULTIPLE: '5',
} as const;
export type ValidityName = keyof typeof QUALIFICATION_VALIDITY;
export type QualificationValidityCode = (typeof QUALIFICATION_VALIDITY)[ValidityName];

export interface EligibilityDetermination<T extends QualificationPeriod> {
  validity: QualificationValidityCode;
  outcome: ValidityName;
  /**
   * The records the answer is about: the valid one (1), the lost one (2, 3), every match in force
   * (5); empty for 4.
   */
  records: T[];
  /** For 3: the person's newer qualifications (from `related`). */
  newer: T[];
}

export function isInForce(q: QualificationPeriod, on: IsoDate): boolean {
  return (
    q.qualificationDate <= on && (q.disqualificationDate === null || on < q.disqualificationDate)
  );
}

/**
 * @param matched the qualifications that match the search key (card numbers + birth date, or the
 *   person resolved from a My Number card).
 * @param on the confirmation date (QualificationConfirmationDate).
 * @param related the same person's other qualifications (under other cards), to tell 2 from 3.
 */
export function determineEligibility<T extends QualificationPeriod>(
  matched: readonly T[],
  on: IsoDate,
  related: readonly T[] = [],
): EligibilityDetermination<T> {
  const valid = matched.filter((q) => isInForce(q, on));
  if (valid.length === 1) return result('VALID', valid, []);
  if (valid.length > 1) return result('MULTIPLE', valid, []);

  // Nothing in force: the latest qualification lost on or before the date, if any.
  let lost: T | undefined;
  for (const q of matched) {
    if (q.disqualificationDate === null || q.disqualificationDate > on) continue;
    if (q.qualificationDate > on) continue;
    if (!lost || (lost.disqualificationDate as string) < q.disqualificationDate) lost = q;
  }
  if (!lost) return result('NOT_FOUND', [], []);
  const lostFrom = lost.qualificationDate;
  const lostId = lost.qualificationId;
  const newer = related.filter(
    (q) => q.qualificationId !== lostId && q.qualificationDate > lostFrom,
  );
  return newer.length > 0 ? result('LOST_WITH_NEWER', [lost], newer) : result('LOST', [lost], []);
}

function result<T extends QualificationPeriod>(
  outcome: ValidityName,
  records: T[],
  newer: T[],
): EligibilityDetermination<T> {
  return { validity: QUALIFICATION_VALIDITY[outcome], outcome, records, newer };
}
