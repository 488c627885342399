import { ageOn } from '@shikaku/core/dates';
import type { LimitCertificate } from '@shikaku/core/qualification-view';
import type { StoredQualification } from '@shikaku/db/eligibility/qualifications';

/**
 * 限度額適用認定証 information, shown only with the patient's consent. The eligibility store has no
 * certificate data from insurers yet, so the classification is derived from the income class the
 * outbox carries (ア/イ/ウ under 70, 現役並み/一般 from 70) and the certificate runs from the August
 * 1st on or before the date to the next July 31st (the real certificates' yearly cycle).
 * TODO: carry real certificate data through the outbox and move the code table to core.
 */
export function limitCertificateFor(q: StoredQualification, on: string): LimitCertificate {
  const age = ageOn(q.birthDate, on);
  const classification =
    age < 70
      ? q.incomeClass === 'active-equivalent'
        ? 'ア'
        : q.incomeClass === 'certain-income'
          ? 'イ'
          : 'ウ'
      : q.incomeClass === 'active-equivalent'
        ? '現役並み'
        : '一般';
  const year = Number(on.slice(0, 4)) - (on.slice(5) < '08-01' ? 1 : 0);
  const validFrom = `${year}-08-01`;
  return {
    classification,
    classificationFlag: '1',
    issuedOn: validFrom,
    validFrom,
    validTo: `${year + 1}-07-31`,
  };
}
