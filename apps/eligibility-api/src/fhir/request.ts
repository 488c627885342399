// Reads a submitted CoverageEligibilityRequest into the card-number search the OQS path runs.
// FHIR R4's CoverageEligibilityRequest/$submit takes the request alone (its Patient, Coverage and
// Organizations contained), a Bundle holding it and the resources it references, or either inside
// a Parameters resource as the `resource` parameter. Every problem is a coded AppError whose field
// is the FHIRPath of the element at fault; nothing is stored from a rejected request.
import { isIsoDate } from '@shikaku/core/dates';
import { AppError } from '@shikaku/platform/errors';
import type {
  Coverage,
  CoverageEligibilityRequest,
  Extension,
  Identifier,
  Organization,
  Patient,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import type { CardNumbersQuery } from '../confirm.js';
import {
  INSURANCE_MEMBER_ID_SYSTEM,
  INSURER_NUMBER_OID,
  INSURER_NUMBER_SYSTEM,
  JP_COVERAGE_EXTENSION,
  MEDICAL_INSTITUTION_CODE_SYSTEM,
  SHIKAKU,
} from './systems.js';

/** What the FHIR request asks, in the terms of the OQS search. */
export interface EligibilityQuery {
  /** Card numbers as given (half-width after NFKC); confirm.ts validates them. */
  card: CardNumbersQuery;
  /** servicedDate, or undefined for today (JST). */
  confirmationDate: string | undefined;
  limitCertificateConsent: boolean;
  /** provider's 医療機関コード when the request names one. */
  providerInstitutionCode: string | undefined;
  purpose: NonNullable<CoverageEligibilityRequest['purpose']>;
  /** The request's first business identifier, echoed as the response's request reference. */
  requestIdentifier: Identifier | undefined;
}

const PURPOSES = new Set(['auth-requirements', 'benefits', 'discovery', 'validation']);

function invalid(field: string, reason: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { field, reason });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Resolves references within what was submitted (contained resources, Bundle entries). */
type Resolver = (ref: Reference | undefined) => Resource | undefined;

function resolverFor(
  request: CoverageEligibilityRequest,
  entries: Resource[],
  urls: Map<string, Resource>,
): Resolver {
  const contained = new Map<string, Resource>();
  for (const r of request.contained ?? []) if (r.id) contained.set(`#${r.id}`, r);
  for (const r of entries) if (r.id) urls.set(`${r.resourceType}/${r.id}`, r);
  return (ref) => {
    const key = ref?.reference;
    if (!key) return undefined;
    return contained.get(key) ?? urls.get(key);
  };
}

/** The request and a resolver from whatever form the body took. */
function unwrap(body: unknown): { request: CoverageEligibilityRequest; resolve: Resolver } {
  if (!isObject(body))
    throw invalid('resourceType', 'NOT_A_RESOURCE', 'the body is not a FHIR resource');
  if (body.resourceType === 'Parameters') {
    const parameter = Array.isArray(body.parameter)
      ? (body.parameter as Array<Record<string, unknown>>).find((p) => p?.name === 'resource')
      : undefined;
    if (!parameter || !isObject(parameter.resource))
      throw invalid(
        "Parameters.parameter.where(name='resource')",
        'REQUIRED',
        'the Parameters resource has no `resource` parameter',
      );
    return unwrap(parameter.resource);
  }
  if (body.resourceType === 'Bundle') {
    const entries = (Array.isArray(body.entry) ? body.entry : [])
      .filter(isObject)
      .filter((e) => isObject(e.resource));
    const urls = new Map<string, Resource>();
    for (const e of entries)
      if (typeof e.fullUrl === 'string') urls.set(e.fullUrl, e.resource as Resource);
    const resources = entries.map((e) => e.resource as Resource);
    const requests = resources.filter((r) => r.resourceType === 'CoverageEligibilityRequest');
    if (requests.length !== 1)
      throw invalid(
        'Bundle.entry.resource',
        requests.length === 0 ? 'REQUIRED' : 'MORE_THAN_ONE',
        'the Bundle must hold exactly one CoverageEligibilityRequest',
      );
    const request = requests[0] as CoverageEligibilityRequest;
    return { request, resolve: resolverFor(request, resources, urls) };
  }
  if (body.resourceType !== 'CoverageEligibilityRequest')
    throw invalid(
      'resourceType',
      'UNSUPPORTED_RESOURCE_TYPE',
      'expected a CoverageEligibilityRequest, a Bundle holding one, or Parameters',
    );
  const request = body as unknown as CoverageEligibilityRequest;
  return { request, resolve: resolverFor(request, [], new Map()) };
}

function resolveAs<T extends Resource>(
  resolve: Resolver,
  ref: Reference | undefined,
  type: T['resourceType'],
  field: string,
): T {
  if (!ref?.reference) throw invalid(field, 'REQUIRED', `${field} must reference a ${type}`);
  const resource = resolve(ref);
  if (!resource)
    throw invalid(
      field,
      'UNRESOLVED_REFERENCE',
      `${field} (${ref.reference}) is neither contained nor in the Bundle`,
    );
  if (resource.resourceType !== type)
    throw invalid(field, 'WRONG_RESOURCE_TYPE', `${field} must reference a ${type}`);
  return resource as T;
}

const nfkc = (s: string) => s.normalize('NFKC').trim();

function stringExtension(extensions: Extension[] | undefined, url: string): string | undefined {
  const value = extensions?.find((e) => e.url === url)?.valueString;
  return typeof value === 'string' && value.trim() !== '' ? nfkc(value) : undefined;
}

function insurerNumberOf(organization: Organization | undefined): string | undefined {
  const id = organization?.identifier?.find(
    (i) => i.system === INSURER_NUMBER_SYSTEM || i.system === INSURER_NUMBER_OID,
  );
  return id?.value ? nfkc(id.value) : undefined;
}

/** 被保険者個人識別子 "保険者番号:記号:番号:枝番" (an absent part empty). */
function memberIdOf(identifiers: Identifier[] | undefined) {
  const value = identifiers?.find((i) => i.system === INSURANCE_MEMBER_ID_SYSTEM)?.value;
  if (value === undefined) return undefined;
  const parts = value.split(':');
  if (parts.length !== 4) return null;
  const [insurer, symbol, number, branch] = parts.map(nfkc) as [string, string, string, string];
  return { insurer, symbol, number, branch };
}

export function readEligibilityRequest(body: unknown): EligibilityQuery {
  const { request, resolve } = unwrap(body);
  if (request.status !== 'active')
    throw invalid(
      'CoverageEligibilityRequest.status',
      request.status === undefined ? 'REQUIRED' : 'NOT_ACTIVE',
      'status must be active',
    );
  const purpose = Array.isArray(request.purpose) ? request.purpose : [];
  if (purpose.length === 0 || purpose.some((p) => !PURPOSES.has(p)))
    throw invalid(
      'CoverageEligibilityRequest.purpose',
      purpose.length === 0 ? 'REQUIRED' : 'UNKNOWN_CODE',
      'purpose must list auth-requirements | benefits | discovery | validation',
    );

  const patient = resolveAs<Patient>(
    resolve,
    request.patient,
    'Patient',
    'CoverageEligibilityRequest.patient',
  );
  if (typeof patient.birthDate !== 'string' || !isIsoDate(patient.birthDate))
    throw invalid(
      'Patient.birthDate',
      patient.birthDate === undefined ? 'REQUIRED' : 'INVALID_DATE',
      'the patient needs a birth date (YYYY-MM-DD)',
    );

  const servicedDate = request.servicedDate;
  if (servicedDate !== undefined && (typeof servicedDate !== 'string' || !isIsoDate(servicedDate)))
    throw invalid(
      'CoverageEligibilityRequest.servicedDate',
      'INVALID_DATE',
      'servicedDate must be a date (YYYY-MM-DD)',
    );

  // The card: the focal insurance (or the only one), else the patient's 被保険者個人識別子.
  const insurance = request.insurance ?? [];
  const chosen = insurance.find((i) => i.focal) ?? insurance[0];
  const coverage = chosen
    ? resolveAs<Coverage>(
        resolve,
        chosen.coverage,
        'Coverage',
        'CoverageEligibilityRequest.insurance.coverage',
      )
    : undefined;
  const insurer =
    insurerNumberOf(
      coverage?.payor?.[0] ? (resolve(coverage.payor[0]) as Organization | undefined) : undefined,
    ) ??
    insurerNumberOf(
      request.insurer ? (resolve(request.insurer) as Organization | undefined) : undefined,
    );
  const extensionNumber = stringExtension(coverage?.extension, JP_COVERAGE_EXTENSION.number);
  const memberId = memberIdOf(coverage?.identifier) ?? memberIdOf(patient.identifier);
  if (memberId === null)
    throw invalid(
      'identifier.value',
      'MEMBER_ID_FORMAT',
      '被保険者個人識別子 must be 保険者番号:記号:番号:枝番',
    );
  let card: CardNumbersQuery;
  if (extensionNumber !== undefined) {
    const insurerNumber = insurer ?? memberId?.insurer;
    if (!insurerNumber)
      throw invalid(
        'Coverage.payor',
        'REQUIRED',
        'the insurer number is needed (an Organization identifier with the 保険者番号 system)',
      );
    card = {
      insurerNumber,
      insuredCardSymbol: stringExtension(coverage?.extension, JP_COVERAGE_EXTENSION.symbol) ?? null,
      insuredIdentificationNumber: extensionNumber,
      insuredBranchNumber: stringExtension(coverage?.extension, JP_COVERAGE_EXTENSION.branch),
      birthDate: patient.birthDate,
    };
  } else if (memberId) {
    card = {
      insurerNumber: insurer ?? memberId.insurer,
      insuredCardSymbol: memberId.symbol === '' ? null : memberId.symbol,
      insuredIdentificationNumber: memberId.number,
      insuredBranchNumber: memberId.branch === '' ? undefined : memberId.branch,
      birthDate: patient.birthDate,
    };
  } else {
    throw invalid(
      'CoverageEligibilityRequest.insurance.coverage',
      'REQUIRED',
      'the card numbers are needed: a Coverage with the JP Core 記号/番号/枝番 extensions, or a 被保険者個人識別子',
    );
  }

  const consent = request.extension?.find(
    (e) => e.url === SHIKAKU.limitCertificateConsentExtension,
  );
  if (consent && typeof consent.valueBoolean !== 'boolean')
    throw invalid(
      'CoverageEligibilityRequest.extension.valueBoolean',
      'REQUIRED',
      'the limit-certificate consent extension takes valueBoolean',
    );
  const provider = request.provider
    ? (resolve(request.provider) as Organization | undefined)
    : undefined;
  const providerCode = provider?.identifier?.find(
    (i) => i.system === MEDICAL_INSTITUTION_CODE_SYSTEM,
  )?.value;
  return {
    card,
    confirmationDate: servicedDate,
    limitCertificateConsent: consent?.valueBoolean === true,
    providerInstitutionCode: providerCode === undefined ? undefined : nfkc(providerCode),
    purpose,
    requestIdentifier: request.identifier?.[0],
  };
}
