import type { QualificationValidityCode } from '@shikaku/core/eligibility';
import {
  buildSearchResponse,
  qualificationResult,
  REFERENCE_CLASSIFICATION,
  type ResultConsents,
  type SearchResponseMessage,
} from '@shikaku/core/oqs-message';
import type { CardConfirmation, RecordedConsents } from './card-confirmation.js';

/**
 * A reader confirmation as the terminal writes it for the receipt computer
 * (`OQSsiquc01res_face_*.xml`): the spec result message with ReferenceClassification 1 (card) and
 * no search keys (nothing was searched by numbers), one result per qualification written by core's
 * `qualificationResult`, like the web answer: the consent flags and times eligibility-api recorded
 * and, when the patient consented, the limit certificate. Public face files carry no element for
 * how the holder was verified (face, PIN or 目視): see docs/oqs-public-sources.md.
 */
export function faceConfirmationMessage(
  confirmation: CardConfirmation,
  context: { at: Date; medicalInstitutionCode: string },
): SearchResponseMessage {
  const consents = resultConsents(confirmation.consents);
  const limitConsentTime = consents?.limitApplicationCertificate ? consents.consTime : undefined;
  return buildSearchResponse(
    {
      at: context.at,
      confirmationDate: confirmation.confirmationDate,
      medicalInstitutionCode: context.medicalInstitutionCode,
      referenceClassification: REFERENCE_CLASSIFICATION.card,
    },
    confirmation.qualificationValidity as QualificationValidityCode,
    confirmation.results.map((q) => qualificationResult(q, consents, limitConsentTime)),
  );
}

/** The recorded consents (ISO instants) as a result shows them, or null when none were asked. */
function resultConsents(recorded: RecordedConsents | undefined): ResultConsents | null {
  if (!recorded) return null;
  return {
    consTime: recorded.consTime ? new Date(recorded.consTime) : undefined,
    availableTime: recorded.availableTime ? new Date(recorded.availableTime) : undefined,
    specificHealthCheckups: recorded.specificHealthCheckups ?? false,
    pharmacists: recorded.pharmacists ?? false,
    diagnosis: recorded.diagnosis ?? false,
    operations: recorded.operations ?? false,
    limitApplicationCertificate: recorded.limitApplicationCertificate ?? false,
  };
}
