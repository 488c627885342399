// The URIs the FHIR interface writes and reads, each from its public source (docs/fhir.md §2).
// JP Core is the JAMI FHIR JP working group's jp-core-v1x (profiles dated 2024-11-18); where JP
// Core moved an identifier system from an OID to a URL, the answer writes the URL and a request
// may use either (JP Core accepts both for now).

/** JP Core profiles (meta.profile). */
export const JP_PROFILE = {
  coverage: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Coverage',
  patient: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient',
  organization: 'http://jpfhir.jp/fhir/core/StructureDefinition/JP_Organization',
} as const;

/** JP Core Coverage extensions: 記号, 番号, 枝番 (valueString each). */
export const JP_COVERAGE_EXTENSION = {
  symbol:
    'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol',
  number:
    'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber',
  branch:
    'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber',
} as const;

/** 保険者番号: JP Core's URL form and the older OID form (both accepted on input). */
export const INSURER_NUMBER_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/IdSystem/InsurerNumber';
export const INSURER_NUMBER_OID = 'urn:oid:1.2.392.100495.20.3.61';
/** 医療機関コード（10桁）: JP_Organization.identifier:medicalInstitutionCode. */
export const MEDICAL_INSTITUTION_CODE_SYSTEM =
  'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
/**
 * 被保険者個人識別子 "保険者番号:記号:番号:枝番" (an absent part is the empty string): the Coverage
 * identifier slice insuranceIdentifier and the Patient identifier of the 電子カルテ情報共有サービス.
 */
export const INSURANCE_MEMBER_ID_SYSTEM =
  'http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID';
/** 被保険者区分 (1 被保険者, 2 被扶養者): Coverage.relationship per JP Core's comment. */
export const INSURED_PERSON_CATEGORY_SYSTEM =
  'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuredPersonCategory';
/** Kanji (IDE) and kana (SYL) names, as JP_Patient.name asks. */
export const NAME_REPRESENTATION_EXTENSION =
  'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';

/** HL7 terminology (FHIR R4). */
export const HL7 = {
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  organizationType: 'http://terminology.hl7.org/CodeSystem/organization-type',
  copayType: 'http://terminology.hl7.org/CodeSystem/coverage-copay-type',
  benefitCategory: 'http://terminology.hl7.org/CodeSystem/ex-benefitcategory',
  benefitType: 'http://terminology.hl7.org/CodeSystem/benefit-type',
  ucum: 'http://unitsofmeasure.org',
} as const;

/**
 * What neither FHIR R4 nor JP Core defines: the OQS code tables and our own extensions. Under the
 * reserved `.invalid` domain, so that no one mistakes them for published definitions.
 */
const OURS = 'https://shikaku.invalid/fhir';
export const SHIKAKU = {
  /** OQSCD006 資格有効性 (1–5), on the response and on each insurance entry. */
  qualificationValidityExtension: `${OURS}/StructureDefinition/qualification-validity`,
  qualificationValiditySystem: `${OURS}/CodeSystem/OQSCD006`,
  /** The patient's consent to show the 限度額適用認定証 (OQS LimitApplicationCertificateRelatedConsFlg). */
  limitCertificateConsentExtension: `${OURS}/StructureDefinition/limit-certificate-consent`,
  /** OQSCD010 被保険者証区分 (Coverage.type's second coding). */
  insuredCardClassificationSystem: `${OURS}/CodeSystem/OQSCD010`,
  /** OQSCD011 限度額適用認定証区分 and OQSCD012 適用区分 (Coverage.costToBeneficiary.exception.type). */
  limitCertificateClassificationSystem: `${OURS}/CodeSystem/OQSCD011`,
  limitCertificateFlagSystem: `${OURS}/CodeSystem/OQSCD012`,
  /** OQSCD008 資格喪失事由. */
  reasonOfLossExtension: `${OURS}/StructureDefinition/reason-of-loss`,
  reasonOfLossSystem: `${OURS}/CodeSystem/OQSCD008`,
  /** The app's stable error codes (OperationOutcome.issue.details). */
  errorCodeSystem: `${OURS}/CodeSystem/error-code`,
} as const;
