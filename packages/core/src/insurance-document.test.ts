import { describe, expect, it } from 'vitest';
import { determineDocumentEligibility } from './eligibility.js';
import {
  certificateLatestEnd,
  documentValidOn,
  documentValidTo,
  documentValidToOn,
  insuranceDocumentKind,
  type InsuranceDocumentDates,
} from './insurance-document.js';

// Facts (docs/decisions.md, "The 2024-12 era"): no 健康保険証 from 2024-12-02; a card issued up to
// 2024-12-01 is valid to its own end and at the latest to 2025-12-01; a 資格確認書 is confirmed by
// its numbers like a card.
const card = (cardIssuedOn: string | null, cardValidTo: string | null = null) => ({
  qualificationId: 'q',
  qualificationDate: '2021-04-01',
  disqualificationDate: null,
  cardIssuedOn,
  cardValidTo,
});

describe('which document a qualification is printed on', () => {
  it.each<[InsuranceDocumentDates, string]>([
    [card('2021-04-01'), 'insurance-card'],
    [card('2024-12-01'), 'insurance-card'],
    [card('2024-12-02'), 'qualification-certificate'],
    [card(null), 'insurance-card'],
    [{ ...card(null), qualificationDate: '2025-01-15' }, 'none'],
  ])('%o is %s', (q, kind) => {
    expect(insuranceDocumentKind(q)).toBe(kind);
  });
});

describe('an old card ends on 2025-12-01 at the latest', () => {
  it('a card without an end date: valid through 2025-12-01, refused from 2025-12-02', () => {
    const q = card('2021-04-01');
    expect(documentValidTo(q)).toBe('2025-12-01');
    expect(documentValidOn(q, '2025-01-15')).toBe(true);
    expect(documentValidOn(q, '2025-12-01')).toBe(true);
    expect(documentValidOn(q, '2025-12-02')).toBe(false);
  });

  it('a card that ends earlier ends on its own date', () => {
    const q = card('2024-10-01', '2025-07-31');
    expect(documentValidTo(q)).toBe('2025-07-31');
    expect(documentValidOn(q, '2025-07-31')).toBe(true);
    expect(documentValidOn(q, '2025-08-01')).toBe(false);
  });

  it('a card dated past 2025-12-01 is still capped', () => {
    expect(documentValidTo(card('2024-11-30', '2026-09-30'))).toBe('2025-12-01');
  });

  it('before 2024-12-02 the card dates change nothing and answers show the registered end', () => {
    const q = card('2021-04-01', '2023-09-30');
    expect(documentValidOn(q, '2024-06-01')).toBe(true);
    expect(documentValidToOn(card('2021-04-01'), '2024-12-01')).toBeNull();
    expect(documentValidToOn(card('2021-04-01'), '2024-12-02')).toBe('2025-12-01');
  });

  it('a 資格確認書 is valid to its own end, past 2025-12-01', () => {
    const q = card('2025-11-01', '2030-10-31');
    expect(documentValidTo(q)).toBe('2030-10-31');
    expect(documentValidOn(q, '2025-12-02')).toBe(true);
    expect(documentValidOn(q, '2030-11-01')).toBe(false);
  });

  it('a qualification acquired after the change with no document has no end', () => {
    expect(documentValidOn({ ...card(null), qualificationDate: '2025-01-15' }, '2027-01-01')).toBe(
      true,
    );
  });
});

describe('a search by the numbers printed on a document', () => {
  it('switches by date: the old card is 1 on 2025-12-01 and 2 (document ended) on 2025-12-02', () => {
    const q = card('2021-04-01');
    expect(determineDocumentEligibility([q], '2025-12-01')).toMatchObject({ validity: '1' });
    expect(determineDocumentEligibility([q], '2025-12-02')).toEqual({
      validity: '2',
      outcome: 'LOST',
      records: [q],
      newer: [],
      documentEnded: true,
    });
  });

  it('a 資格確認書 with the same numbers is 1 after 2025-12-01', () => {
    const certificate = card('2025-11-01', '2030-10-31');
    expect(determineDocumentEligibility([certificate], '2025-12-02')).toMatchObject({
      validity: '1',
      records: [certificate],
    });
  });

  it('a lost qualification and no match answer as before', () => {
    const lost = { ...card('2021-04-01'), disqualificationDate: '2025-03-01' };
    expect(determineDocumentEligibility([lost], '2025-12-02')).toEqual({
      validity: '2',
      outcome: 'LOST',
      records: [lost],
      newer: [],
    });
    expect(determineDocumentEligibility([], '2025-12-02').validity).toBe('4');
  });

  it('of two matches in force, the one whose document is valid answers', () => {
    const old = { ...card('2021-04-01'), qualificationId: 'old' };
    const certificate = { ...card('2025-11-01', '2030-10-31'), qualificationId: 'new' };
    expect(determineDocumentEligibility([old, certificate], '2025-12-02')).toMatchObject({
      validity: '1',
      records: [certificate],
    });
    expect(determineDocumentEligibility([old, certificate], '2025-11-01').validity).toBe('5');
  });
});

describe('a 資格確認書 runs at most five years', () => {
  it.each([
    ['2024-12-02', '2029-12-01'],
    ['2024-02-29', '2029-02-28'],
  ])('issued %s: at the latest to %s', (issued, end) => {
    expect(certificateLatestEnd(issued)).toBe(end);
  });
});
