import type { ConsentScreen, VerificationMethod } from './reader-models.js';

/** The consent answers the holder gave on the reader's screens (only the enabled screens). */
export type ConsentAnswers = Partial<Record<ConsentScreen, boolean>>;

/** One qualification as eligibility-api's REST API returns it (see its README). */
export interface Qualification {
  insuredCardClassification: string;
  insurerNumber: string;
  insurerName: string;
  insuredCardSymbol: string | null;
  insuredIdentificationNumber: string;
  insuredBranchNumber: string;
  personalFamilyClassification: string;
  name: string;
  nameKana: string;
  sex: string;
  birthDate: string;
  address: string;
  postNumber: string;
  qualificationDate: string;
  disqualificationDate: string | null;
  reasonOfLoss: string | null;
  copayRatio: string | null;
  preschool?: boolean;
  elderlyRecipientCertificate?: {
    validStartDate: string;
    validEndDate: string;
    contributionRatio: string;
  } | null;
  [more: string]: unknown;
}

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
  results: Qualification[];
}
