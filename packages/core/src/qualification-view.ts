// What eligibility-api's REST card and card-number confirmations answer about one qualification
// (`results[]`): the wire contract that eligibility-api writes and its clients (reader-emulator)
// read. The spec's OQS shape is built from it (`ResultOfQualificationConfirmation`).

/**
 * 限度額適用認定証 information, shown only with the patient's consent (null without it). Dates are
 * ISO dates.
 */
export interface LimitCertificate {
  classification: string;
  /** 1: the classification applies (so the amount cap can be used at the window). */
  classificationFlag: string;
  issuedOn: string;
  validFrom: string;
  validTo: string;
}

/**
 * One qualification as a confirmation shows it. Dates are ISO dates. No My Number. A type, not an
 * interface, so that it is a `Record<string, unknown>` where a client's schema treats it as one.
 */
export type QualificationView = {
  insuredCardClassification: string;
  insurerNumber: string;
  insurerName: string;
  insuredCardSymbol: string | null;
  insuredIdentificationNumber: string;
  insuredBranchNumber: string;
  personalFamilyClassification: string;
  name: string;
  /** Half-width katakana, as the spec answers it. */
  nameKana: string;
  sex: string;
  birthDate: string;
  address: string;
  postNumber: string;
  qualificationDate: string;
  disqualificationDate: string | null;
  reasonOfLoss: string | null;
  copayRatio: string | null;
  preschool: boolean;
  elderlyRecipientCertificate: {
    validStartDate: string;
    validEndDate: string;
    contributionRatio: string;
  } | null;
  limitApplicationCertificate: LimitCertificate | null;
};
