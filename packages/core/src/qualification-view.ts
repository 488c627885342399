// What eligibility-api's REST card and card-number confirmations answer about one qualification
// (`results[]`): the wire contract that eligibility-api writes and its clients (reader-emulator)
// read. The spec's OQS shape is built from it (`ResultOfQualificationConfirmation`).

/**
 * 限度額適用認定証 information, shown only with the patient's consent (null without it). Dates are
 * ISO dates.
 */
export interface LimitCertificate {
  /** OQSCD011 限度額適用認定証区分: '01' 限度額適用認定証, '02' 限度額適用・標準負担額減額認定証, … */
  classification: string;
  /** OQSCD012 適用区分 (the income class): 'A01'–'A06' under 70, 'B01'–'B10' from 70. */
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
  /** The insurance card's 交付年月日, when the insurer registered it. */
  cardIssuedOn: string | null;
  /** The card's 有効開始日 (the qualification date when the insurer registered none). */
  cardValidFrom: string | null;
  /** The card's 有効終了日, when it has one. */
  cardValidTo: string | null;
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
