// The one evaluation behind every confirmation endpoint (spec JSON, spec XML, REST, card, bulk):
// find the candidate qualifications, let core decide the validity, map the answer to each shape.
import { determineCopay, lateElderlyFrom } from '@shikaku/core/copay';
import { addDays } from '@shikaku/core/dates';
import { determineEligibility, type QualificationValidityCode } from '@shikaku/core/eligibility';
import { parseInsuredCard } from '@shikaku/core/insured-card';
import { parseInsurerNumber } from '@shikaku/core/insurer-number';
import { toHalfWidthKana } from '@shikaku/core/kana';
import {
  isoToCompactDate,
  type ResultOfQualificationConfirmation,
} from '@shikaku/core/oqs-message';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  findQualificationsByCard,
  findQualificationsByPerson,
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
  const found = await findQualificationsByCard(handle, query);
  const matched = found.filter(
    (q) =>
      sameSymbol(q.insuredCardSymbol, query.insuredCardSymbol) &&
      (query.insuredBranchNumber === undefined ||
        q.insuredBranchNumber === query.insuredBranchNumber),
  );
  let determination = determineEligibility(matched, on);
  // Telling 2 from 3 needs the person's other qualifications: fetched only in that case.
  if (determination.outcome === 'LOST' && determination.records[0]) {
    const related = await findQualificationsByPerson(handle, determination.records[0].personRef);
    determination = determineEligibility(matched, on, related);
  }
  return {
    validity: determination.validity,
    records: determination.records,
    personRef: determination.records[0]?.personRef ?? null,
  };
}

/** Confirmation of a person resolved from a My Number card. */
export async function confirmByPerson(
  handle: DatabaseHandle,
  personRef: string,
  on: string,
): Promise<Confirmation> {
  const all = await findQualificationsByPerson(handle, personRef);
  const determination = determineEligibility(all, on, all);
  return { validity: determination.validity, records: determination.records, personRef };
}

/** Consents as they appear on a result (card confirmations only). */
export interface ResultConsents {
  consTime: Date;
  availableTime: Date;
  specificHealthCheckups: boolean;
  pharmacists: boolean;
  diagnosis: boolean;
  operations: boolean;
  limitApplicationCertificate: boolean;
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
    reasonOfLoss: q.reasonOfLoss,
    copayRatio: copay?.ratioCode ?? null,
    preschool: copay?.preschool ?? false,
    elderlyRecipientCertificate: elderly,
    limitApplicationCertificate: limitCertificateConsent ? limitCertificateFor(q, on) : null,
  };
}

const jstTime = (at: Date | undefined) =>
  at ? new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 19).replace(/[-T:]/g, '') : '';

/** The spec shape: every value a string, '' when absent. */
export function toSpecResult(
  view: QualificationView,
  consents: ResultConsents | null,
  limitConsentTime: Date | undefined,
): ResultOfQualificationConfirmation {
  const flag = (given: boolean | undefined) => (consents ? (given ? '1' : '0') : '');
  const time = (given: boolean | undefined, at: Date | undefined) => (given ? jstTime(at) : '');
  return {
    InsuredCardClassification: view.insuredCardClassification,
    InsurerNumber: view.insurerNumber,
    InsuredCardSymbol: view.insuredCardSymbol ?? '',
    InsuredIdentificationNumber: view.insuredIdentificationNumber,
    InsuredBranchNumber: view.insuredBranchNumber,
    PersonalFamilyClassification: view.personalFamilyClassification,
    Name: view.name,
    NameKana: view.nameKana,
    Sex1: view.sex,
    Birthdate: isoToCompactDate(view.birthDate),
    Address: view.address,
    PostNumber: view.postNumber,
    QualificationDate: isoToCompactDate(view.qualificationDate),
    DisqualificationDate: isoToCompactDate(view.disqualificationDate),
    ReasonOfLoss: view.reasonOfLoss ?? '',
    InsurerName: view.insurerName,
    InsuredPartialContributionRatio: view.copayRatio ?? '',
    PreschoolClassification: view.preschool ? '1' : '',
    ...(view.elderlyRecipientCertificate
      ? {
          ElderlyRecipientCertificateInfo: {
            ElderlyRecipientCertificateDate: '',
            ElderlyRecipientValidStartDate: isoToCompactDate(
              view.elderlyRecipientCertificate.validStartDate,
            ),
            ElderlyRecipientValidEndDate: isoToCompactDate(
              view.elderlyRecipientCertificate.validEndDate,
            ),
            ElderlyRecipientContributionRatio: view.elderlyRecipientCertificate.contributionRatio,
          },
        }
      : {}),
    LimitApplicationCertificateRelatedConsFlg: limitConsentTime ? '1' : consents ? '0' : '',
    LimitApplicationCertificateRelatedConsTime: jstTime(limitConsentTime),
    ...(view.limitApplicationCertificate
      ? {
          LimitApplicationCertificateRelatedInfo: {
            LimitApplicationCertificateClassification:
              view.limitApplicationCertificate.classification,
            LimitApplicationCertificateClassificationFlag:
              view.limitApplicationCertificate.classificationFlag,
            LimitApplicationCertificateDate: isoToCompactDate(
              view.limitApplicationCertificate.issuedOn,
            ),
            LimitApplicationCertificateValidStartDate: isoToCompactDate(
              view.limitApplicationCertificate.validFrom,
            ),
            LimitApplicationCertificateValidEndDate: isoToCompactDate(
              view.limitApplicationCertificate.validTo,
            ),
          },
        }
      : {}),
    SpecificHealthCheckupsInfoConsFlg: flag(consents?.specificHealthCheckups),
    SpecificHealthCheckupsInfoConsTime: time(consents?.specificHealthCheckups, consents?.consTime),
    SpecificHealthCheckupsInfoAvailableTime: time(
      consents?.specificHealthCheckups,
      consents?.availableTime,
    ),
    PharmacistsInfoConsFlg: flag(consents?.pharmacists),
    PharmacistsInfoConsTime: time(consents?.pharmacists, consents?.consTime),
    PharmacistsInfoAvailableTime: time(consents?.pharmacists, consents?.availableTime),
    DiagnosisInfoConsFlg: flag(consents?.diagnosis),
    DiagnosisInfoConsTime: time(consents?.diagnosis, consents?.consTime),
    DiagnosisInfoAvailableTime: time(consents?.diagnosis, consents?.availableTime),
    OperationInfoConsFlg: flag(consents?.operations),
    OperationInfoConsTime: time(consents?.operations, consents?.consTime),
    OperationInfoAvailableTime: time(consents?.operations, consents?.availableTime),
  };
}
