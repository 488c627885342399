import { addDays, addYears, type IsoDate } from './dates.js';

/**
 * The document a member shows at the counter, through the 2024-12 change (sources:
 * docs/decisions.md, "The 2024-12 era: 資格確認書 and the end of the old cards"):
 * - from 2024-12-02 no 健康保険証 is issued or re-issued;
 * - a card issued up to 2024-12-01 stays valid to its own end date, and at the latest to
 *   2025-12-01 (the transition's last day);
 * - a member without a マイナ保険証 gets a 資格確認書 instead, with the same 記号・番号 as the
 *   qualification, confirmed by those numbers as a card was;
 * - OQS confirms the qualification, not the document: a search by an expired card's numbers
 *   answers as the qualification stands (MHLW's 2025-06-27 暫定的な取扱い has counters do exactly
 *   that through 2026-03-31). The answer shows the document's end (InsuredCardExpirationDate), so
 *   the counter can see that the card itself has ended.
 *
 * No public source we found gives a code value that marks a 資格確認書 in the OQS answer (one
 * client's copy of the code table says the card kinds of OQSCD010 are retired (欠番) from
 * 2024-12-02 yet still answered as registered), so the kind is read from the dates: a document
 * issued on or after 2024-12-02 cannot be a 健康保険証, so it is a 資格確認書.
 */
export const CARD_ISSUE_ENDS_ON: IsoDate = '2024-12-02';
/** The last day an old 健康保険証 is valid, whatever its own end date says. */
export const OLD_CARD_LAST_VALID_DAY: IsoDate = '2025-12-01';

/**
 * 'insurance-card': a 健康保険証 issued before 2024-12-02 (or a qualification acquired before then
 * whose issue date the insurer did not give: every member then had a card).
 * 'qualification-certificate': a 資格確認書 (issued on or after 2024-12-02).
 * 'none': acquired on or after 2024-12-02 with no document issued (a マイナ保険証 holder, who
 * confirms with the card, or by the numbers of the 資格情報のお知らせ).
 */
export type InsuranceDocumentKind = 'insurance-card' | 'qualification-certificate' | 'none';

export interface InsuranceDocumentDates {
  qualificationDate: IsoDate;
  /** 被保険者証交付年月日 / the 資格確認書's issue date, or null when not registered. */
  cardIssuedOn: IsoDate | null;
  /** The document's own last valid day (inclusive), or null when it has none. */
  cardValidTo: IsoDate | null;
}

export function insuranceDocumentKind(q: InsuranceDocumentDates): InsuranceDocumentKind {
  const issued = q.cardIssuedOn;
  if (issued !== null)
    return issued < CARD_ISSUE_ENDS_ON ? 'insurance-card' : 'qualification-certificate';
  return q.qualificationDate < CARD_ISSUE_ENDS_ON ? 'insurance-card' : 'none';
}

/**
 * The document's last valid day (inclusive): an old card's own end date capped at 2025-12-01; a
 * 資格確認書's own end date; null when the document has no end.
 */
export function documentValidTo(q: InsuranceDocumentDates): IsoDate | null {
  if (insuranceDocumentKind(q) !== 'insurance-card') return q.cardValidTo;
  return q.cardValidTo !== null && q.cardValidTo < OLD_CARD_LAST_VALID_DAY
    ? q.cardValidTo
    : OLD_CARD_LAST_VALID_DAY;
}

/**
 * The end date an answer on `on` shows (InsuredCardExpirationDate): the capped one from
 * 2024-12-02, the registered one before (a 2024 answer knew nothing of the cap).
 */
export function documentValidToOn(q: InsuranceDocumentDates, on: IsoDate): IsoDate | null {
  return on < CARD_ISSUE_ENDS_ON ? q.cardValidTo : documentValidTo(q);
}

/** A 資格確認書 is valid at most this many years from its issue (the insurer sets its end). */
export const CERTIFICATE_MAX_YEARS = 5;

/**
 * The latest end a 資格確認書 issued on `issuedOn` may have (inclusive): five years less a day, so
 * one issued 2024-12-02 may run to 2029-12-01 (one insurer's, issued from then, end 2029-11-30).
 */
export function certificateLatestEnd(issuedOn: IsoDate): IsoDate {
  return addDays(addYears(issuedOn, CERTIFICATE_MAX_YEARS), -1);
}
