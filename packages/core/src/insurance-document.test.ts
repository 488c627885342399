import { describe, expect, it } from 'vitest';
import {
  certificateLatestEnd,
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
  it('a card without an end date ends on 2025-12-01', () => {
    expect(documentValidTo(card('2021-04-01'))).toBe('2025-12-01');
  });

  it('a card that ends earlier ends on its own date', () => {
    expect(documentValidTo(card('2024-10-01', '2025-07-31'))).toBe('2025-07-31');
  });

  it('a card dated past 2025-12-01 is still capped', () => {
    expect(documentValidTo(card('2024-11-30', '2026-09-30'))).toBe('2025-12-01');
  });

  it('answers before 2024-12-02 show the registered end, answers from then the capped one', () => {
    expect(documentValidToOn(card('2021-04-01'), '2024-12-01')).toBeNull();
    expect(documentValidToOn(card('2021-04-01', '2023-09-30'), '2024-12-01')).toBe('2023-09-30');
    expect(documentValidToOn(card('2021-04-01'), '2024-12-02')).toBe('2025-12-01');
  });

  it('a 資格確認書 ends on its own date, past 2025-12-01', () => {
    expect(documentValidTo(card('2025-11-01', '2030-10-31'))).toBe('2030-10-31');
  });

  it('a qualification acquired after the change with no document has no end', () => {
    expect(documentValidTo({ ...card(null), qualificationDate: '2025-01-15' })).toBeNull();
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
