/**
 * The OQS eligibility-confirmation message shapes (資格確認 照会/結果), as the real web API and the
 * terminal's files carry them: `XmlMsg{MessageHeader, MessageBody}` with the real tag names. In the
 * JSON form every value is a string; the XML form (oqs-xml.ts) uses the same tag names.
 *
 * This module types the request and response, reads a request leniently the way real clients send
 * it (omitted InsuredBranchNumber / MedicalInstitutionCode, insurer numbers padded with zeros or
 * spaces) and builds responses, including the error response that keeps the full header and
 * ProcessingResultStatus. It does not judge eligibility: that is eligibility.ts.
 */
import type { QualificationValidityCode } from './eligibility.js';
import { unpadInsurerNumber } from './insurer-number.js';

/** ReferenceClassification: how the person was identified. */
export const REFERENCE_CLASSIFICATION = { card: '1', insuranceCardNumbers: '2' } as const;
/** SegmentOfResult */
export const SEGMENT_OF_RESULT = { ok: '1', processing: '2', error: '9' } as const;
/** ProcessingResultStatus */
export const PROCESSING_RESULT_STATUS = { ok: '1', error: '2' } as const;
/** CharacterCodeIdentifier */
export const CHARACTER_CODE = { utf8: '0', shiftJis: '1' } as const;

// ---------------------------------------------------------------- request

export interface QualificationConfirmSearchInfo {
  InsurerNumber?: string;
  InsuredCardSymbol?: string;
  InsuredIdentificationNumber?: string;
  InsuredBranchNumber?: string;
  Birthdate?: string;
  LimitApplicationCertificateRelatedConsFlg?: string;
  ArbitraryIdentifier?: string;
}

export interface SearchRequestMessage {
  XmlMsg: {
    MessageHeader: {
      QualificationConfirmationDate?: string;
      MedicalInstitutionCode?: string;
      ArbitraryFileIdentifier?: string;
    };
    MessageBody: { QualificationConfirmSearchInfo: QualificationConfirmSearchInfo };
  };
}

/** A search request after lenient reading: ISO dates, trimmed and unpadded numbers. */
export interface SearchRequest {
  /** YYYY-MM-DD, or undefined when the client left it out (then: today). */
  confirmationDate: string | undefined;
  medicalInstitutionCode: string | undefined;
  insurerNumber: string;
  insuredCardSymbol: string | null;
  insuredIdentificationNumber: string;
  /** Undefined when omitted: then any branch of the card matches. */
  insuredBranchNumber: string | undefined;
  /** YYYY-MM-DD */
  birthDate: string;
  limitCertificateConsent: boolean;
  arbitraryIdentifier: string | undefined;
}

/** Why a request could not be read: a stable code and the field, as a value. */
export interface MessageProblem {
  code: 'MALFORMED_MESSAGE' | 'VALIDATION_FAILED';
  field: string;
  message: string;
}

export type ReadResult<T> = { ok: true; value: T } | { ok: false; problem: MessageProblem };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** 'YYYYMMDD' → 'YYYY-MM-DD' when it is a real calendar date, else undefined. */
export function compactToIsoDate(value: string): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
  if (!match) return undefined;
  const iso = `${match[1]}-${match[2]}-${match[3]}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === iso
    ? iso
    : undefined;
}

/** 'YYYY-MM-DD' → 'YYYYMMDD'; null/undefined → ''. */
export function isoToCompactDate(value: string | null | undefined): string {
  return value ? value.replaceAll('-', '') : '';
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

const problem = (
  code: MessageProblem['code'],
  field: string,
  message: string,
): { ok: false; problem: MessageProblem } => ({ ok: false, problem: { code, field, message } });

/**
 * Reads a search request (already parsed from JSON or XML). Check digits are not judged here: the
 * caller runs the identifier rules on the normalized numbers.
 */
export function readSearchRequest(input: unknown): ReadResult<SearchRequest> {
  if (!isRecord(input) || !isRecord(input.XmlMsg))
    return problem('MALFORMED_MESSAGE', 'XmlMsg', 'the message has no XmlMsg element');
  const header = input.XmlMsg.MessageHeader ?? {};
  const body = input.XmlMsg.MessageBody;
  if (!isRecord(header))
    return problem('MALFORMED_MESSAGE', 'XmlMsg.MessageHeader', 'MessageHeader is not an element');
  if (!isRecord(body) || !isRecord(body.QualificationConfirmSearchInfo))
    return problem(
      'MALFORMED_MESSAGE',
      'XmlMsg.MessageBody.QualificationConfirmSearchInfo',
      'the message has no QualificationConfirmSearchInfo element',
    );
  const info = body.QualificationConfirmSearchInfo;
  const infoField = (name: string) => `XmlMsg.MessageBody.QualificationConfirmSearchInfo.${name}`;

  let confirmationDate: string | undefined;
  const rawDate = text(header.QualificationConfirmationDate)?.trim();
  if (rawDate) {
    confirmationDate = compactToIsoDate(rawDate);
    if (!confirmationDate)
      return problem(
        'VALIDATION_FAILED',
        'XmlMsg.MessageHeader.QualificationConfirmationDate',
        'QualificationConfirmationDate must be a date YYYYMMDD',
      );
  }
  const medicalInstitutionCode = text(header.MedicalInstitutionCode)?.trim() || undefined;

  const insurerRaw = text(info.InsurerNumber);
  if (!insurerRaw || !insurerRaw.trim())
    return problem('VALIDATION_FAILED', infoField('InsurerNumber'), 'InsurerNumber is required');
  // Padding is removed here; the check digit is judged by parseInsurerNumber (insurer-number.ts).
  const insurerNumber = unpadInsurerNumber(insurerRaw);

  const idRaw = text(info.InsuredIdentificationNumber)?.trim();
  if (!idRaw)
    return problem(
      'VALIDATION_FAILED',
      infoField('InsuredIdentificationNumber'),
      'InsuredIdentificationNumber is required',
    );
  if (idRaw.length > 20)
    return problem(
      'VALIDATION_FAILED',
      infoField('InsuredIdentificationNumber'),
      'InsuredIdentificationNumber is longer than 20 characters',
    );
  const symbolRaw = text(info.InsuredCardSymbol)?.trim();
  if (symbolRaw && symbolRaw.length > 20)
    return problem(
      'VALIDATION_FAILED',
      infoField('InsuredCardSymbol'),
      'InsuredCardSymbol is longer than 20 characters',
    );
  const branchRaw = text(info.InsuredBranchNumber)?.trim();
  if (branchRaw && !/^\d{1,2}$/.test(branchRaw))
    return problem(
      'VALIDATION_FAILED',
      infoField('InsuredBranchNumber'),
      'InsuredBranchNumber must be two digits',
    );

  const birthRaw = text(info.Birthdate)?.trim();
  if (!birthRaw)
    return problem('VALIDATION_FAILED', infoField('Birthdate'), 'Birthdate is required');
  const birthDate = compactToIsoDate(birthRaw);
  if (!birthDate)
    return problem(
      'VALIDATION_FAILED',
      infoField('Birthdate'),
      'Birthdate must be a date YYYYMMDD',
    );

  const consentRaw = text(info.LimitApplicationCertificateRelatedConsFlg)?.trim();
  if (consentRaw && consentRaw !== '0' && consentRaw !== '1')
    return problem(
      'VALIDATION_FAILED',
      infoField('LimitApplicationCertificateRelatedConsFlg'),
      'LimitApplicationCertificateRelatedConsFlg must be 0 or 1',
    );

  return {
    ok: true,
    value: {
      confirmationDate,
      medicalInstitutionCode,
      insurerNumber,
      insuredCardSymbol: symbolRaw || null,
      insuredIdentificationNumber: idRaw,
      insuredBranchNumber: branchRaw ? branchRaw.padStart(2, '0') : undefined,
      birthDate,
      limitCertificateConsent: consentRaw === '1',
      arbitraryIdentifier: text(info.ArbitraryIdentifier)?.trim() || undefined,
    },
  };
}

// ---------------------------------------------------------------- response

export interface ElderlyRecipientCertificateInfo {
  ElderlyRecipientCertificateDate: string;
  ElderlyRecipientValidStartDate: string;
  ElderlyRecipientValidEndDate: string;
  ElderlyRecipientContributionRatio: string;
}

export interface LimitApplicationCertificateRelatedInfo {
  LimitApplicationCertificateClassification: string;
  LimitApplicationCertificateClassificationFlag: string;
  LimitApplicationCertificateDate: string;
  LimitApplicationCertificateValidStartDate: string;
  LimitApplicationCertificateValidEndDate: string;
}

/** One qualification in a result, every value a string ('' when absent). */
export interface ResultOfQualificationConfirmation {
  InsuredCardClassification: string;
  InsurerNumber: string;
  InsuredCardSymbol: string;
  InsuredIdentificationNumber: string;
  InsuredBranchNumber: string;
  PersonalFamilyClassification: string;
  Name: string;
  NameKana: string;
  Sex1: string;
  Birthdate: string;
  Address: string;
  PostNumber: string;
  QualificationDate: string;
  DisqualificationDate: string;
  ReasonOfLoss: string;
  InsurerName: string;
  InsuredPartialContributionRatio: string;
  PreschoolClassification: string;
  ElderlyRecipientCertificateInfo?: ElderlyRecipientCertificateInfo;
  LimitApplicationCertificateRelatedConsFlg: string;
  LimitApplicationCertificateRelatedConsTime: string;
  LimitApplicationCertificateRelatedInfo?: LimitApplicationCertificateRelatedInfo;
  SpecificHealthCheckupsInfoConsFlg: string;
  SpecificHealthCheckupsInfoConsTime: string;
  SpecificHealthCheckupsInfoAvailableTime: string;
  PharmacistsInfoConsFlg: string;
  PharmacistsInfoConsTime: string;
  PharmacistsInfoAvailableTime: string;
  DiagnosisInfoConsFlg: string;
  DiagnosisInfoConsTime: string;
  DiagnosisInfoAvailableTime: string;
  OperationInfoConsFlg: string;
  OperationInfoConsTime: string;
  OperationInfoAvailableTime: string;
}

export interface SearchResponseHeader {
  ProcessExecutionTime: string;
  QualificationConfirmationDate: string;
  MedicalInstitutionCode: string;
  ArbitraryFileIdentifier: string;
  ReferenceClassification: string;
  SegmentOfResult: string;
  ErrorCode: string;
  ErrorMessage: string;
  CharacterCodeIdentifier: string;
}

export interface SearchResponseBody {
  ProcessingResultStatus: string;
  ProcessingResultCode: string;
  ProcessingResultMessage: string;
  QualificationValidity: string;
  ResultList?: { ResultOfQualificationConfirmation: ResultOfQualificationConfirmation[] };
}

export interface SearchResponseMessage {
  XmlMsg: { MessageHeader: SearchResponseHeader; MessageBody: SearchResponseBody };
}

/** 'YYYYMMDDHHmmss' in JST. */
export function processExecutionTime(at: Date): string {
  const jst = new Date(at.getTime() + 9 * 3600_000).toISOString();
  return jst.slice(0, 19).replace(/[-T:]/g, '');
}

export interface ResponseContext {
  at: Date;
  /** YYYY-MM-DD, or '' when the request could not be read far enough to know it. */
  confirmationDate: string;
  medicalInstitutionCode: string;
  referenceClassification: string;
  arbitraryFileIdentifier?: string;
}

function header(
  context: ResponseContext,
  segment: string,
  errorCode: string,
  errorMessage: string,
): SearchResponseHeader {
  return {
    ProcessExecutionTime: processExecutionTime(context.at),
    QualificationConfirmationDate: isoToCompactDate(context.confirmationDate),
    MedicalInstitutionCode: context.medicalInstitutionCode,
    ArbitraryFileIdentifier: context.arbitraryFileIdentifier ?? '',
    ReferenceClassification: context.referenceClassification,
    SegmentOfResult: segment,
    ErrorCode: errorCode,
    ErrorMessage: errorMessage,
    CharacterCodeIdentifier: CHARACTER_CODE.utf8,
  };
}

export function buildSearchResponse(
  context: ResponseContext,
  validity: QualificationValidityCode,
  results: ResultOfQualificationConfirmation[],
): SearchResponseMessage {
  return {
    XmlMsg: {
      MessageHeader: header(context, SEGMENT_OF_RESULT.ok, '', ''),
      MessageBody: {
        ProcessingResultStatus: PROCESSING_RESULT_STATUS.ok,
        ProcessingResultCode: '',
        ProcessingResultMessage: '',
        QualificationValidity: validity,
        ...(results.length > 0
          ? { ResultList: { ResultOfQualificationConfirmation: results } }
          : {}),
      },
    },
  };
}

/** The error answer keeps the full header and ProcessingResultStatus, as real clients expect. */
export function buildErrorResponse(
  context: ResponseContext,
  errorCode: string,
  errorMessage: string,
): SearchResponseMessage {
  return {
    XmlMsg: {
      MessageHeader: header(context, SEGMENT_OF_RESULT.error, errorCode, errorMessage),
      MessageBody: {
        ProcessingResultStatus: PROCESSING_RESULT_STATUS.error,
        ProcessingResultCode: errorCode,
        ProcessingResultMessage: errorMessage,
        QualificationValidity: '',
      },
    },
  };
}

// ---------------------------------------------------------------- bulk (一括照会, OQSmuquc02res)

export interface BulkConfirmUnit {
  ArbitraryIdentifier: string;
  ProcessingResultStatus: string;
  ErrorCode: string;
  ErrorMessage: string;
  QualificationValidity: string;
  ResultOfQualificationConfirmation?: ResultOfQualificationConfirmation;
}

export interface BulkResultMessage {
  XmlMsg: {
    MessageHeader: {
      ProcessExecutionTime: string;
      ReceptionNumber: string;
      MedicalInstitutionCode: string;
      QualificationConfirmationDate: string;
      SegmentOfResult: string;
      NumberOfProcessingResult: string;
      NumberOfNormalProcessing: string;
      NumberOfError: string;
      CharacterCodeIdentifier: string;
    };
    MessageBody: { ResultList: { BulkConfirmUnit: BulkConfirmUnit[] } };
  };
}

export function buildBulkResult(
  context: {
    at: Date;
    receptionNumber: string;
    medicalInstitutionCode: string;
    confirmationDate: string;
  },
  units: BulkConfirmUnit[],
): BulkResultMessage {
  const normal = units.filter(
    (u) => u.ProcessingResultStatus === PROCESSING_RESULT_STATUS.ok,
  ).length;
  return {
    XmlMsg: {
      MessageHeader: {
        ProcessExecutionTime: processExecutionTime(context.at),
        ReceptionNumber: context.receptionNumber,
        MedicalInstitutionCode: context.medicalInstitutionCode,
        QualificationConfirmationDate: isoToCompactDate(context.confirmationDate),
        SegmentOfResult: SEGMENT_OF_RESULT.ok,
        NumberOfProcessingResult: String(units.length),
        NumberOfNormalProcessing: String(normal),
        NumberOfError: String(units.length - normal),
        CharacterCodeIdentifier: CHARACTER_CODE.utf8,
      },
      MessageBody: { ResultList: { BulkConfirmUnit: units } },
    },
  };
}
