import { ageOn } from '@shikaku/core/dates';
import type { LimitCertificate } from '@shikaku/core/qualification-view';
import type { StoredQualification } from '@shikaku/db/eligibility/qualifications';

/**
 * 限度額適用認定証 information, shown only with the patient's consent. The eligibility store has no
 * certificate data from insurers yet, so the certificate is derived from the income class the
 * outbox carries: a 限度額適用認定証 (OQSCD011 '01') whose 適用区分 (OQSCD012) is ア (A01) for
 * 現役並み所得, イ (A02) for 一定以上所得 and ウ (A03) otherwise under 70, and 現役並みⅠ (B03) or
 * 一般 (B04) from 70. It runs from the August 1st on or before the date to the next July 31st
 * (the real certificates' yearly cycle).
 * TODO: carry real certificate data through the outbox.
 */
export function limitCertificateFor(q: StoredQualification, on: string): LimitCertificate {
  const age = ageOn(q.birthDate, on);
  const classificationFlag =
    age < 70
      ? q.incomeClass === 'active-equivalent'
        ? 'A01'
        : q.incomeClass === 'certain-income'
          ? 'A02'
          : 'A03'
      : q.incomeClass === 'active-equivalent'
        ? 'B03'
        : 'B04';
  const year = Number(on.slice(0, 4)) - (on.slice(5) < '08-01' ? 1 : 0);
  const validFrom = `${year}-08-01`;
  return {
    classification: '01',
    classificationFlag,
    issuedOn: validFrom,
    validFrom,
    validTo: `${year + 1}-07-31`,
  };
}
