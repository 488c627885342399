import {
  buildSearchResponse,
  isoToCompactDate,
  type QualificationValidityCode,
  REFERENCE_CLASSIFICATION,
  type ResultOfQualificationConfirmation,
  type SearchResponseMessage,
} from '@shikaku/core/oqs-message';
import type { CardConfirmation, Qualification } from './card-confirmation.js';

/**
 * A reader confirmation as the terminal writes it for the receipt computer
 * (`OQSsiquc01res_face_*.xml`): the spec result message with ReferenceClassification 1 (card).
 * The consent flags and times come from eligibility-api's answer, which recorded them.
 */
export function faceConfirmationMessage(
  confirmation: CardConfirmation,
  context: { at: Date; medicalInstitutionCode: string },
): SearchResponseMessage {
  const consents = stringFields(confirmation.consents);
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

const CONSENT_KEYS = [
  'LimitApplicationCertificateRelatedConsFlg',
  'LimitApplicationCertificateRelatedConsTime',
  'SpecificHealthCheckupsInfoConsFlg',
  'SpecificHealthCheckupsInfoConsTime',
  'SpecificHealthCheckupsInfoAvailableTime',
  'PharmacistsInfoConsFlg',
  'PharmacistsInfoConsTime',
  'PharmacistsInfoAvailableTime',
  'DiagnosisInfoConsFlg',
  'DiagnosisInfoConsTime',
  'DiagnosisInfoAvailableTime',
  'OperationInfoConsFlg',
  'OperationInfoConsTime',
  'OperationInfoAvailableTime',
] as const;

type ConsentFields = Record<(typeof CONSENT_KEYS)[number], string>;

function stringFields(consents: CardConfirmation['consents']): ConsentFields {
  return Object.fromEntries(
    CONSENT_KEYS.map((key) => {
      const value = consents?.[key];
      return [key, typeof value === 'string' ? value : ''];
    }),
  ) as ConsentFields;
}

function toResult(q: Qualification, consents: ConsentFields): ResultOfQualificationConfirmation {
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
    InsuredPartialContributionRatio: q.copayRatio,
    PreschoolClassification:
      typeof q.preschoolClassification === 'string' ? q.preschoolClassification : '',
    ...consents,
  };
}
