// The one evaluation behind every confirmation endpoint (spec JSON, spec XML, REST, card, bulk):
// find the candidate qualifications, let core decide the validity, view each qualification (core's
// qualificationResult writes the spec shape of a view).
import { determineCopay, lateElderlyFrom } from '@shikaku/core/copay';
import { addDays } from '@shikaku/core/dates';
import {
  determineEligibility,
  isInForce,
  type QualificationValidityCode,
} from '@shikaku/core/eligibility';
import { documentValidToOn } from '@shikaku/core/insurance-document';
import { parseInsuredCard } from '@shikaku/core/insured-card';
import { parseInsurerNumber } from '@shikaku/core/insurer-number';
import { toHalfWidthKana } from '@shikaku/core/kana';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  type CardHolder,
  findQualificationsWithRelatedByCard,
  type StoredQualification,
} from '@shikaku/db/eligibility/qualifications';
import { AppError } from '@shikaku/platform/errors';
import type { QualificationView } from '@shikaku/core/qualification-view';
import { limitCertificateFor } from './limit-certificate.js';

export interface CardNumbersQuery {
  insurerNumber: string;
  insuredCardSymbol: string | null;
  insuredIdentificationNumber: string;
  /** Undefined when the client omitted it: any branch of the card matches. */
  insuredBranchNumber: string | undefined;
  birthDate: string;
}

export interface Confirmation {
  validity: QualificationValidityCode;
  records: StoredQualification[];
  /** The person the answer is about, or null when nothing matched (for the access log). */
  personRef: string | null;
}

/** Checks the card numbers with core's identifier rules; throws the stable code. */
export function validateCardNumbers(query: CardNumbersQuery): CardNumbersQuery {
  const insurer = parseInsurerNumber(query.insurerNumber);
  if (!insurer.ok) throw new AppError(insurer.code, insurer.message, { field: 'insurerNumber' });
  const card = parseInsuredCard({
    symbol: query.insuredCardSymbol,
    number: query.insuredIdentificationNumber,
    branch: query.insuredBranchNumber ?? null,
    insurerNumber: insurer.value.insurerNumber,
  });
  if (!card.ok)
    throw new AppError(card.code, card.message, { field: 'insuredCard', reason: card.reason });
  return {
    insurerNumber: insurer.value.insurerNumber,
    insuredCardSymbol: card.value.symbol,
    insuredIdentificationNumber: card.value.number,
    insuredBranchNumber: card.value.branch ?? undefined,
    birthDate: query.birthDate,
  };
}

const sameSymbol = (a: string | null, b: string | null) =>
  (a ?? '').normalize('NFKC') === (b ?? '').normalize('NFKC');

/** Confirmation by insurance-card numbers + birth date on a date (back-dated dates work). */
export async function confirmByCardNumbers(
  handle: DatabaseHandle,
  query: CardNumbersQuery,
  on: string,
): Promise<Confirmation> {
  // One round trip: the card's rows and, when one of them has a loss date, its person's rows.
  const found = await findQualificationsWithRelatedByCard(handle, query);
  const matched = found.matched.filter(
    (q) =>
      sameSymbol(q.insuredCardSymbol, query.insuredCardSymbol) &&
      (query.insuredBranchNumber === undefined ||
        q.insuredBranchNumber === query.insuredBranchNumber),
  );
  // The qualification answers, not the document its numbers are printed on: an old card past
  // 2025-12-01 still finds a qualification in force, and the answer shows the card's end
  // (docs/decisions.md, "The 2024-12 era").
  let determination = determineEligibility(matched, on);
  // Telling 2 from 3 needs the lost qualification's person's other qualifications.
  const lost = determination.outcome === 'LOST' ? determination.records[0] : undefined;
  if (lost) {
    const related = found.related.filter((q) => q.personRef === lost.personRef);
    determination = determineEligibility(matched, on, related);
  }
  return {
    validity: determination.validity,
    records: determination.records,
    personRef: determination.records[0]?.personRef ?? null,
  };
}

/** Confirmation of a person resolved from a My Number card, from all their qualifications. */
export function confirmHolder(holder: CardHolder, on: string): Confirmation {
  const all = holder.qualifications;
  const determination = determineEligibility(all, on, all);
  return {
    validity: determination.validity,
    records: determination.records,
    personRef: holder.personRef,
  };
}

export function viewQualification(
  q: StoredQualification,
  on: string,
  limitCertificateConsent: boolean,
): QualificationView {
  const copay = on >= q.birthDate ? determineCopay(q.birthDate, on, q.incomeClass) : undefined;
  const elderly =
    copay &&
    (copay.reason === 'ELDERLY_70_74' || copay.reason === 'ELDERLY_70_74_ACTIVE_EQUIVALENT')
      ? {
          validStartDate: copay.bracketFrom,
          validEndDate: addDays(lateElderlyFrom(q.birthDate), -1),
          contributionRatio: copay.ratioCode,
        }
      : null;
  return {
    insuredCardClassification: q.insuredCardClassification,
    insurerNumber: q.insurerNumber,
    insurerName: q.insurerName,
    insuredCardSymbol: q.insuredCardSymbol,
    insuredIdentificationNumber: q.insuredIdentificationNumber,
    insuredBranchNumber: q.insuredBranchNumber,
    personalFamilyClassification: q.personalFamilyClassification,
    name: q.name,
    nameKana: toHalfWidthKana(q.nameKana),
    sex: q.sex,
    birthDate: q.birthDate,
    address: q.address,
    postNumber: q.postNumber,
    qualificationDate: q.qualificationDate,
    disqualificationDate: q.disqualificationDate,
    cardIssuedOn: q.cardIssuedOn ?? null,
    cardValidFrom: q.cardValidFrom ?? null,
    cardValidTo: documentValidToOn(
      { ...q, cardIssuedOn: q.cardIssuedOn ?? null, cardValidTo: q.cardValidTo ?? null },
      on,
    ),
    reasonOfLoss: q.reasonOfLoss,
    copayRatio: copay?.ratioCode ?? null,
    preschool: copay?.preschool ?? false,
    elderlyRecipientCertificate: elderly,
    // A certificate is shown only for a qualification in force on the date (none after a loss).
    limitApplicationCertificate:
      limitCertificateConsent && isInForce(q, on) ? limitCertificateFor(q, on) : null,
  };
}
