/**
 * The OQS eligibility-confirmation messages (資格確認 照会/結果, 一括照会結果), as the real web API
 * and the terminal's files carry them. Their shape (names, order, optionality, code tables) is the
 * schema in oqs-schema.ts; this module reads a request leniently the way real clients send it
 * (omitted InsuredBranchNumber / MedicalInstitutionCode, insurer numbers padded with zeros or
 * spaces) and builds answers as values of that schema: the answer to a search, the error answer
 * that keeps the full header and ProcessingResultStatus, one qualification's result and a bulk
 * result. `oqsJson` / `oqsXml` write them. It does not judge eligibility: that is eligibility.ts.
 */
import { dateParts, daysInMonth, fromCompactDate, toCompactDate } from './dates.js';
import type { QualificationValidityCode } from './eligibility.js';
import { LATE_ELDERLY_HOUBETSU, unpadInsurerNumber } from './insurer-number.js';
import type { SEARCH_REQUEST } from './oqs-schema.js';
import {
  BULK_RESULT,
  type BulkResultForm,
  type GroupSpec,
  QUALIFICATION_CONFIRM_SEARCH_INFO,
  type QualificationConfirmSearchInfoForm,
  readForm,
  type ResultOfQualificationConfirmationForm,
  SEARCH_RESPONSE,
  type SearchResponseForm,
  type ValueOf,
  writeJsonText,
  writeXml,
} from './oqs-schema.js';
import type { QualificationView } from './qualification-view.js';

/** ReferenceClassification: how the person was identified. */
export const REFERENCE_CLASSIFICATION = { card: '1', insuranceCardNumbers: '2' } as const;
/** SegmentOfResult */
export const SEGMENT_OF_RESULT = { ok: '1', processing: '2', error: '9' } as const;
/** ProcessingResultStatus */
export const PROCESSING_RESULT_STATUS = { ok: '1', error: '2' } as const;
/** CharacterCodeIdentifier */
export const CHARACTER_CODE = { utf8: '0', shiftJis: '1' } as const;

// ---------------------------------------------------------------- request

export type QualificationConfirmSearchInfo = QualificationConfirmSearchInfoForm;

export type SearchRequestMessage = { XmlMsg: ValueOf<typeof SEARCH_REQUEST> };

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
  /** The header's ArbitraryFileIdentifier, echoed in the answer. */
  arbitraryFileIdentifier: string | undefined;
  /** The search keys as the client sent them, echoed in the answer's MessageBody. */
  echo: QualificationConfirmSearchInfoForm;
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
  const compact = value.trim();
  if (compact.length !== 8) return undefined;
  for (let i = 0; i < 8; i++) {
    const c = compact.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const iso = fromCompactDate(compact);
  const { year, month, day } = dateParts(iso);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) ? iso : undefined;
}

/** 'YYYY-MM-DD' → 'YYYYMMDD'; null/undefined → ''. */
export function isoToCompactDate(value: string | null | undefined): string {
  if (!value) return '';
  return value.length === 10 ? toCompactDate(value) : value.replaceAll('-', '');
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
      arbitraryFileIdentifier: text(header.ArbitraryFileIdentifier)?.trim() || undefined,
      echo: echoOf(
        readForm(QUALIFICATION_CONFIRM_SEARCH_INFO, info) ?? {
          InsurerNumber: insurerRaw,
          InsuredIdentificationNumber: idRaw,
          Birthdate: birthRaw,
        },
        consentRaw === '1',
      ),
    },
  };
}

/**
 * The search keys as echoed in the answer: as the client sent them, with
 * LimitApplicationCertificateRelatedConsFlg always present ('0' when the client left it out) —
 * the public web-API client's parser requires it in every echoed QualificationConfirmSearchInfo.
 */
export function echoOf(
  sent: QualificationConfirmSearchInfoForm,
  limitCertificateConsent: boolean,
): QualificationConfirmSearchInfoForm {
  return {
    ...sent,
    LimitApplicationCertificateRelatedConsFlg: limitCertificateConsent ? '1' : '0',
  };
}

// ---------------------------------------------------------------- response

export type ResultOfQualificationConfirmation = ResultOfQualificationConfirmationForm;
export type SearchResponseMessage = { XmlMsg: SearchResponseForm };
export type BulkResultMessage = { XmlMsg: BulkResultForm };
export type BulkConfirmUnit = NonNullable<BulkResultForm['MessageBody']['BulkConfirmUnit']>[number];

/** 'YYYYMMDDHHmmss' in JST. */
export function processExecutionTime(at: Date): string {
  // Every answer writes one; those of the same second share the text.
  const second = Math.floor(at.getTime() / 1000);
  if (second === lastExecutionTime.second) return lastExecutionTime.text;
  const jst = new Date(second * 1000 + 9 * 3600_000).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
  const text = `${toCompactDate(jst)}${jst.slice(11, 13)}${jst.slice(14, 16)}${jst.slice(17, 19)}`;
  lastExecutionTime = { second, text };
  return text;
}

let lastExecutionTime = { second: Number.NaN, text: '' };

export interface ResponseContext {
  at: Date;
  /** YYYY-MM-DD, or '' when the request could not be read far enough to know it (then: today). */
  confirmationDate: string;
  /** '' when not known (a request rejected before login). */
  medicalInstitutionCode: string;
  referenceClassification: string;
  arbitraryFileIdentifier?: string | undefined;
  /** The search keys of a request that could be read, echoed back. */
  searchInfo?: QualificationConfirmSearchInfoForm | undefined;
}

function header(
  context: ResponseContext,
  segment: string,
  errorCode?: string,
  errorMessage?: string,
): SearchResponseForm['MessageHeader'] {
  return {
    ProcessExecutionTime: processExecutionTime(context.at),
    QualificationConfirmationDate:
      isoToCompactDate(context.confirmationDate) || processExecutionTime(context.at).slice(0, 8),
    MedicalInstitutionCode: context.medicalInstitutionCode,
    ArbitraryFileIdentifier: context.arbitraryFileIdentifier,
    ReferenceClassification: context.referenceClassification,
    SegmentOfResult: segment,
    ErrorCode: errorCode,
    ErrorMessage: errorMessage,
    CharacterCodeIdentifier: CHARACTER_CODE.utf8,
  };
}

/** The answer to a search: one ResultOfQualificationConfirmation per qualification found. */
export function buildSearchResponse(
  context: ResponseContext,
  validity: QualificationValidityCode,
  results: ResultOfQualificationConfirmation[],
): SearchResponseMessage {
  return {
    XmlMsg: {
      MessageHeader: header(context, SEGMENT_OF_RESULT.ok),
      MessageBody: {
        QualificationConfirmSearchInfo: context.searchInfo,
        ProcessingResultStatus: PROCESSING_RESULT_STATUS.ok,
        QualificationValidity: validity,
        ResultList: results.map((r) => ({ ResultOfQualificationConfirmation: r })),
      },
    },
  };
}

/**
 * The error answer keeps the full header and ProcessingResultStatus, as real clients expect; it
 * has no QualificationValidity (an empty one reads as an invalid code to clients).
 */
export function buildErrorResponse(
  context: ResponseContext,
  errorCode: string,
  errorMessage: string,
): SearchResponseMessage {
  return {
    XmlMsg: {
      MessageHeader: header(context, SEGMENT_OF_RESULT.error, errorCode, errorMessage),
      MessageBody: {
        QualificationConfirmSearchInfo: context.searchInfo,
        ProcessingResultStatus: PROCESSING_RESULT_STATUS.error,
        ProcessingResultCode: errorCode,
        ProcessingResultMessage: errorMessage,
      },
    },
  };
}

/** Consents recorded on the reader, as a result shows them (card confirmations only). */
export interface ResultConsents {
  /** When the consents were given; absent when the holder consented to nothing. */
  consTime?: Date | undefined;
  /** consTime + 24 h */
  availableTime?: Date | undefined;
  specificHealthCheckups: boolean;
  pharmacists: boolean;
  diagnosis: boolean;
  operations: boolean;
  limitApplicationCertificate: boolean;
}

/** '1234567' → '123-4567' (the spec's PostNumber); anything else as it is. */
export function formatPostNumber(digits: string): string {
  return /^\d{7}$/.test(digits) ? `${digits.slice(0, 3)}-${digits.slice(3)}` : digits;
}

/**
 * One qualification as a result element. `consents` are the reader's (card confirmations; then
 * every consent flag is present, 1 or 0); `limitConsentTime` is when the patient consented to the
 * limit certificate (a card-number search's LimitApplicationCertificateRelatedConsFlg, or the
 * reader's consent). The copay ratio travels only where the real system sends it: 後期高齢者
 * (法別 39) in InsuredPartialContributionRatio, 70–74 in ElderlyRecipientCertificateInfo.
 */
export function qualificationResult(
  view: QualificationView,
  consents: ResultConsents | null,
  limitConsentTime: Date | undefined,
): ResultOfQualificationConfirmation {
  const flag = (given: boolean) => (consents ? (given ? '1' : '0') : undefined);
  const time = (given: boolean, at: Date | undefined) =>
    given && at ? processExecutionTime(at) : undefined;
  const screen = (given: boolean) => ({
    flag: flag(given),
    consTime: time(given, consents?.consTime),
    availableTime: time(given, consents?.availableTime),
  });
  const checkups = screen(consents?.specificHealthCheckups ?? false);
  const pharmacists = screen(consents?.pharmacists ?? false);
  const diagnosis = screen(consents?.diagnosis ?? false);
  const operations = screen(consents?.operations ?? false);
  const elderly = view.elderlyRecipientCertificate;
  const limit = view.limitApplicationCertificate;
  const lateElderly =
    view.insurerNumber.length === 8 && view.insurerNumber.startsWith(LATE_ELDERLY_HOUBETSU);
  return {
    InsuredCardClassification: view.insuredCardClassification,
    InsurerNumber: view.insurerNumber,
    InsuredCardSymbol: view.insuredCardSymbol ?? undefined,
    InsuredIdentificationNumber: view.insuredIdentificationNumber,
    InsuredBranchNumber: view.insuredBranchNumber,
    PersonalFamilyClassification: view.personalFamilyClassification,
    Name: view.name,
    NameKana: view.nameKana,
    Sex1: view.sex,
    Birthdate: isoToCompactDate(view.birthDate),
    Address: view.address,
    PostNumber: formatPostNumber(view.postNumber),
    QualificationDate: isoToCompactDate(view.qualificationDate),
    DisqualificationDate: isoToCompactDate(view.disqualificationDate),
    InsuredCertificateIssuanceDate: isoToCompactDate(view.cardIssuedOn),
    InsuredCardValidDate: isoToCompactDate(view.cardValidFrom ?? view.qualificationDate),
    InsuredCardExpirationDate: isoToCompactDate(view.cardValidTo),
    InsuredPartialContributionRatio: lateElderly ? (view.copayRatio ?? undefined) : undefined,
    PreschoolClassification: view.preschool ? '1' : undefined,
    ReasonOfLoss: view.reasonOfLoss ?? undefined,
    InsurerName: view.insurerName,
    ElderlyRecipientCertificateInfo: elderly
      ? {
          ElderlyRecipientValidStartDate: isoToCompactDate(elderly.validStartDate),
          ElderlyRecipientValidEndDate: isoToCompactDate(elderly.validEndDate),
          ElderlyRecipientContributionRatio: elderly.contributionRatio,
        }
      : undefined,
    LimitApplicationCertificateRelatedConsFlg: limitConsentTime ? '1' : consents ? '0' : undefined,
    LimitApplicationCertificateRelatedConsTime: time(!!limitConsentTime, limitConsentTime),
    LimitApplicationCertificateRelatedInfo: limit
      ? {
          LimitApplicationCertificateClassification: limit.classification,
          LimitApplicationCertificateClassificationFlag: limit.classificationFlag,
          LimitApplicationCertificateDate: isoToCompactDate(limit.issuedOn),
          LimitApplicationCertificateValidStartDate: isoToCompactDate(limit.validFrom),
          LimitApplicationCertificateValidEndDate: isoToCompactDate(limit.validTo),
        }
      : undefined,
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

// ---------------------------------------------------------------- bulk (一括照会, OQSmuquc02res)

export function buildBulkResult(
  context: {
    at: Date;
    receptionNumber: string;
    medicalInstitutionCode: string;
    confirmationDate: string;
    arbitraryFileIdentifier?: string | undefined;
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
        ArbitraryFileIdentifier: context.arbitraryFileIdentifier,
        SegmentOfResult: SEGMENT_OF_RESULT.ok,
        NumberOfProcessingResult: String(units.length),
        NumberOfNormalProcessing: String(normal),
        NumberOfError: String(units.length - normal),
        CharacterCodeIdentifier: CHARACTER_CODE.utf8,
      },
      MessageBody: { BulkConfirmUnit: units },
    },
  };
}

// ---------------------------------------------------------------- writing

/** The messages this module builds, by their schema. */
export const MESSAGE_SPECS = { search: SEARCH_RESPONSE, bulk: BULK_RESULT } as const;

/** A built message as JSON text: schema order, absent values omitted, lists as wrapper arrays. */
export function oqsJson<S extends GroupSpec>(spec: S, message: { XmlMsg: ValueOf<S> }): string {
  return writeJsonText(spec, message.XmlMsg);
}

/** A built message as an XML document (UTF-8), in schema order. */
export function oqsXml<S extends GroupSpec>(spec: S, message: { XmlMsg: ValueOf<S> }): string {
  return writeXml(spec, message.XmlMsg);
}
