import type { QualificationView } from '@shikaku/core/qualification-view';
import type { ConsentScreen, VerificationMethod } from './reader-models.js';

/** The consent answers the holder gave on the reader's screens (only the enabled screens). */
export type ConsentAnswers = Partial<Record<ConsentScreen, boolean>>;

/** The consents eligibility-api recorded for a card confirmation (times are ISO instants). */
export interface RecordedConsents extends ConsentAnswers {
  consentId?: string | null;
  consTime?: string | null;
  availableTime?: string | null;
}

/** `POST /v1/card-confirmations` request. */
export interface CardConfirmationRequest {
  certificateSerial: string;
  verificationMethod: VerificationMethod;
  confirmationDate?: string;
  consents?: ConsentAnswers;
}

/** `POST /v1/card-confirmations` answer. */
export interface CardConfirmation {
  qualificationValidity: string;
  confirmationDate: string;
  verificationMethod?: string;
  consents?: RecordedConsents;
  results: QualificationView[];
}
