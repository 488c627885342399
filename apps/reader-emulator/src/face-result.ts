import type { QualificationValidityCode } from '@shikaku/core/eligibility';
import {
  buildSearchResponse,
  isoToCompactDate,
  processExecutionTime,
  REFERENCE_CLASSIFICATION,
  type ResultOfQualificationConfirmation,
  type SearchResponseMessage,
} from '@shikaku/core/oqs-message';
import type { QualificationView } from '@shikaku/core/qualification-view';
import type { CardConfirmation, RecordedConsents } from './card-confirmation.js';

/**
 * A reader confirmation as the terminal writes it for the receipt computer
 * (`OQSsiquc01res_face_*.xml`): the spec result message with ReferenceClassification 1 (card).
 * The consent flags and times come from eligibility-api's answer, which recorded them; times are
 * written as YYYYMMDDHHmmss in JST, like ProcessExecutionTime.
 */
export function faceConfirmationMessage(
  confirmation: CardConfirmation,
  context: { at: Date; medicalInstitutionCode: string },
): SearchResponseMessage {
  const consents = consentFields(confirmation.consents);
  return buildSearchResponse(
    {
      at: context.at,
      confirmationDate: confirmation.confirmationDate,
      medicalInstitutionCode: context.medicalInstitutionCode,
      referenceClassification: REFERENCE_CLASSIFICATION.card,
    },
    confirmation.qualificationValidity as QualificationValidityCode,
    confirmation.results.map((q) => toResult(q, consents)),
  );
}

type ConsentFields = Pick<
  ResultOfQualificationConfirmation,
  | 'LimitApplicationCertificateRelatedConsFlg'
  | 'LimitApplicationCertificateRelatedConsTime'
  | 'SpecificHealthCheckupsInfoConsFlg'
  | 'SpecificHealthCheckupsInfoConsTime'
  | 'SpecificHealthCheckupsInfoAvailableTime'
  | 'PharmacistsInfoConsFlg'
  | 'PharmacistsInfoConsTime'
  | 'PharmacistsInfoAvailableTime'
  | 'DiagnosisInfoConsFlg'
  | 'DiagnosisInfoConsTime'
  | 'DiagnosisInfoAvailableTime'
  | 'OperationInfoConsFlg'
  | 'OperationInfoConsTime'
  | 'OperationInfoAvailableTime'
>;

/** Consent flags '1'/'0' and times YYYYMMDDHHmmss (JST), '' where no consent was given. */
function consentFields(consents: RecordedConsents | undefined): ConsentFields {
  const compact = (iso: string | null | undefined) =>
    iso ? processExecutionTime(new Date(iso)) : '';
  const consTime = compact(consents?.consTime);
  const availableTime = compact(consents?.availableTime);
  const screen = (given: boolean | undefined) => ({
    flag: consents ? (given ? '1' : '0') : '',
    consTime: given ? consTime : '',
    availableTime: given ? availableTime : '',
  });
  const checkups = screen(consents?.specificHealthCheckups);
  const pharmacists = screen(consents?.pharmacists);
  const diagnosis = screen(consents?.diagnosis);
  const operations = screen(consents?.operations);
  const limit = screen(consents?.limitApplicationCertificate);
  return {
    LimitApplicationCertificateRelatedConsFlg: limit.flag,
    LimitApplicationCertificateRelatedConsTime: limit.consTime,
    SpecificHealthCheckupsInfoConsFlg: checkups.flag,
    SpecificHealthCheckupsInfoConsTime: checkups.consTime,
    SpecificHealthCheckupsInfoAvailableTime: checkups.availableTime,
    PharmacistsInfoConsFlg: pharmacists.flag,
    PharmacistsInfoConsTime: pharmacists.consTime,
    PharmacistsInfoAvailableTime: pharmacists.availableTime,
    DiagnosisInfoConsFlg: diagnosis.flag,
    DiagnosisInfoConsTime: diagnosis.consTime,
    DiagnosisInfoAvailableTime: diagnosis.availableTime,
    OperationInfoConsFlg: operations.flag,
    OperationInfoConsTime: operations.consTime,
    OperationInfoAvailableTime: operations.availableTime,
  };
}

function toResult(
  q: QualificationView,
  consents: ConsentFields,
): ResultOfQualificationConfirmation {
  const elderly = q.elderlyRecipientCertificate;
  return {
    InsuredCardClassification: q.insuredCardClassification,
    InsurerNumber: q.insurerNumber,
    InsuredCardSymbol: q.insuredCardSymbol ?? '',
    InsuredIdentificationNumber: q.insuredIdentificationNumber,
    InsuredBranchNumber: q.insuredBranchNumber,
    PersonalFamilyClassification: q.personalFamilyClassification,
    Name: q.name,
    NameKana: q.nameKana,
    Sex1: q.sex,
    Birthdate: isoToCompactDate(q.birthDate),
    Address: q.address,
    PostNumber: q.postNumber,
    QualificationDate: isoToCompactDate(q.qualificationDate),
    DisqualificationDate: isoToCompactDate(q.disqualificationDate),
    ReasonOfLoss: q.reasonOfLoss ?? '',
    InsurerName: q.insurerName,
    InsuredPartialContributionRatio: q.copayRatio ?? '',
    PreschoolClassification: q.preschool ? '1' : '',
    ...(elderly
      ? {
          ElderlyRecipientCertificateInfo: {
            ElderlyRecipientCertificateDate: '',
            ElderlyRecipientValidStartDate: isoToCompactDate(elderly.validStartDate),
            ElderlyRecipientValidEndDate: isoToCompactDate(elderly.validEndDate),
            ElderlyRecipientContributionRatio: elderly.contributionRatio,
          },
        }
      : {}),
    ...consents,
  };
}
