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
  copayRatio: string;
  [more: string]: unknown;
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
  confirmationId: string;
  qualificationValidity: string;
  confirmationDate: string;
  consentId?: string;
  consents?: Record<string, string | null | undefined>;
  results: Qualification[];
}
