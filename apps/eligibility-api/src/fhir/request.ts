// Reads a submitted CoverageEligibilityRequest into the card-number search the OQS path runs.
// FHIR R4's CoverageEligibilityRequest/$submit takes the request alone (its Patient, Coverage and
// Organizations contained), a Bundle holding it and the resources it references, or either inside
// a Parameters resource as the `resource` parameter. Every problem is a coded AppError whose field
// is the FHIRPath of the element at fault; nothing is stored from a rejected request. The body
// has not been checked against FHIR's schema, so every element is read as untyped JSON: a value
// of the wrong JSON type is a coded rejection, never an exception.
import { isIsoDate } from '@shikaku/core/dates';
import { AppError } from '@shikaku/platform/errors';
import type { CoverageEligibilityRequest, Identifier } from '@medplum/fhirtypes';
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

type Json = Record<string, unknown>;

function invalid(field: string, reason: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { field, reason });
}

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An array of objects (absent: empty); anything else is refused. */
function objects(value: unknown, field: string): Json[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isObject))
    throw invalid(field, 'NOT_AN_ARRAY_OF_OBJECTS', `${field} must be an array of objects`);
  return value;
}

/** A string (absent: undefined); anything else is refused. */
function text(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(field, 'NOT_A_STRING', `${field} must be a string`);
  return value;
}

/** Resolves references within what was submitted (contained resources, Bundle entries). */
type Resolver = (ref: unknown, field: string) => Json | undefined;

function resolverFor(request: Json, entries: Json[], urls: Map<string, Json>): Resolver {
  const known = new Map(urls);
  for (const r of objects(request.contained, 'CoverageEligibilityRequest.contained'))
    if (typeof r.id === 'string') known.set(`#${r.id}`, r);
  for (const r of entries)
    if (typeof r.id === 'string' && typeof r.resourceType === 'string')
      known.set(`${r.resourceType}/${r.id}`, r);
  return (ref, field) => {
    if (ref === undefined) return undefined;
    if (!isObject(ref)) throw invalid(field, 'NOT_A_REFERENCE', `${field} must be a Reference`);
    const key = text(ref.reference, `${field}.reference`);
    return key === undefined ? undefined : known.get(key);
  };
}

/** The request and a resolver from whatever form the body took. */
function unwrap(body: unknown): { request: Json; resolve: Resolver } {
  if (!isObject(body))
    throw invalid('resourceType', 'NOT_A_RESOURCE', 'the body is not a FHIR resource');
  if (body.resourceType === 'Parameters') {
    const parameter = objects(body.parameter, 'Parameters.parameter').find(
      (p) => p.name === 'resource',
    );
    if (!parameter || !isObject(parameter.resource))
      throw invalid(
        "Parameters.parameter.where(name='resource')",
        'REQUIRED',
        'the Parameters resource has no `resource` parameter',
      );
    return unwrap(parameter.resource);
  }
  if (body.resourceType === 'Bundle') {
    const entries = objects(body.entry, 'Bundle.entry');
    const urls = new Map<string, Json>();
    const resources: Json[] = [];
    for (const e of entries) {
      if (!isObject(e.resource)) continue;
      resources.push(e.resource);
      const fullUrl = text(e.fullUrl, 'Bundle.entry.fullUrl');
      if (fullUrl !== undefined) urls.set(fullUrl, e.resource);
    }
    const requests = resources.filter((r) => r.resourceType === 'CoverageEligibilityRequest');
    if (requests.length !== 1)
      throw invalid(
        'Bundle.entry.resource',
        requests.length === 0 ? 'REQUIRED' : 'MORE_THAN_ONE',
        'the Bundle must hold exactly one CoverageEligibilityRequest',
      );
    const request = requests[0] as Json;
    return { request, resolve: resolverFor(request, resources, urls) };
  }
  if (body.resourceType !== 'CoverageEligibilityRequest')
    throw invalid(
      'resourceType',
      'UNSUPPORTED_RESOURCE_TYPE',
      'expected a CoverageEligibilityRequest, a Bundle holding one, or Parameters',
    );
  return { request: body, resolve: resolverFor(body, [], new Map()) };
}

function resolveAs(resolve: Resolver, ref: unknown, type: string, field: string): Json {
  const resource = resolve(ref, field);
  if (!resource)
    throw invalid(
      field,
      ref === undefined ? 'REQUIRED' : 'UNRESOLVED_REFERENCE',
      `${field} must reference a ${type} that is contained or in the Bundle`,
    );
  if (resource.resourceType !== type)
    throw invalid(field, 'WRONG_RESOURCE_TYPE', `${field} must reference a ${type}`);
  return resource;
}

const nfkc = (s: string) => s.normalize('NFKC').trim();

function stringExtension(resource: Json | undefined, url: string, field: string) {
  const extension = objects(resource?.extension, `${field}.extension`).find((e) => e.url === url);
  const value = text(extension?.valueString, `${field}.extension.valueString`);
  return value !== undefined && value.trim() !== '' ? nfkc(value) : undefined;
}

/** The value of the first identifier with one of the systems. */
function identifierValue(resource: Json | undefined, systems: string[], field: string) {
  const id = objects(resource?.identifier, `${field}.identifier`).find(
    (i) => typeof i.system === 'string' && systems.includes(i.system),
  );
  const value = text(id?.value, `${field}.identifier.value`);
  return value === undefined ? undefined : nfkc(value);
}

/** 被保険者個人識別子 "保険者番号:記号:番号:枝番" (an absent part empty). */
function memberIdOf(resource: Json, field: string) {
  const value = identifierValue(resource, [INSURANCE_MEMBER_ID_SYSTEM], field);
  if (value === undefined) return undefined;
  const parts = value.split(':');
  if (parts.length !== 4)
    throw invalid(
      `${field}.identifier.value`,
      'MEMBER_ID_FORMAT',
      '被保険者個人識別子 must be 保険者番号:記号:番号:枝番',
    );
  const [insurer, symbol, number, branch] = parts.map(nfkc) as [string, string, string, string];
  return { insurer, symbol, number, branch };
}

const INSURER_SYSTEMS = [INSURER_NUMBER_SYSTEM, INSURER_NUMBER_OID];

export function readEligibilityRequest(body: unknown): EligibilityQuery {
  const { request, resolve } = unwrap(body);
  const R = 'CoverageEligibilityRequest';
  const status = text(request.status, `${R}.status`);
  if (status !== 'active')
    throw invalid(
      `${R}.status`,
      status === undefined ? 'REQUIRED' : 'NOT_ACTIVE',
      'status must be active',
    );
  const purpose = Array.isArray(request.purpose) ? (request.purpose as unknown[]) : [];
  if (purpose.length === 0 || purpose.some((p) => typeof p !== 'string' || !PURPOSES.has(p)))
    throw invalid(
      `${R}.purpose`,
      purpose.length === 0 ? 'REQUIRED' : 'UNKNOWN_CODE',
      'purpose must list auth-requirements | benefits | discovery | validation',
    );

  const patient = resolveAs(resolve, request.patient, 'Patient', `${R}.patient`);
  const birthDate = patient.birthDate;
  if (typeof birthDate !== 'string' || !isIsoDate(birthDate))
    throw invalid(
      'Patient.birthDate',
      birthDate === undefined ? 'REQUIRED' : 'INVALID_DATE',
      'the patient needs a birth date (YYYY-MM-DD)',
    );
  const servicedDate = text(request.servicedDate, `${R}.servicedDate`);
  if (servicedDate !== undefined && !isIsoDate(servicedDate))
    throw invalid(`${R}.servicedDate`, 'INVALID_DATE', 'servicedDate must be a date (YYYY-MM-DD)');

  // The card: the focal insurance (or the only one), else the patient's 被保険者個人識別子.
  const insurance = objects(request.insurance, `${R}.insurance`);
  const chosen = insurance.find((i) => i.focal === true) ?? insurance[0];
  const coverage = chosen
    ? resolveAs(resolve, chosen.coverage, 'Coverage', `${R}.insurance.coverage`)
    : undefined;
  const payor = coverage ? objects(coverage.payor, 'Coverage.payor')[0] : undefined;
  const insurer =
    identifierValue(resolve(payor, 'Coverage.payor'), INSURER_SYSTEMS, 'Coverage.payor') ??
    identifierValue(resolve(request.insurer, `${R}.insurer`), INSURER_SYSTEMS, `${R}.insurer`);
  const extensionNumber = stringExtension(coverage, JP_COVERAGE_EXTENSION.number, 'Coverage');
  const memberId = (coverage && memberIdOf(coverage, 'Coverage')) ?? memberIdOf(patient, 'Patient');
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
      insuredCardSymbol:
        stringExtension(coverage, JP_COVERAGE_EXTENSION.symbol, 'Coverage') ?? null,
      insuredIdentificationNumber: extensionNumber,
      insuredBranchNumber: stringExtension(coverage, JP_COVERAGE_EXTENSION.branch, 'Coverage'),
      birthDate,
    };
  } else if (memberId) {
    card = {
      insurerNumber: insurer ?? memberId.insurer,
      insuredCardSymbol: memberId.symbol === '' ? null : memberId.symbol,
      insuredIdentificationNumber: memberId.number,
      insuredBranchNumber: memberId.branch === '' ? undefined : memberId.branch,
      birthDate,
    };
  } else {
    throw invalid(
      `${R}.insurance.coverage`,
      'REQUIRED',
      'the card numbers are needed: a Coverage with the JP Core 記号/番号/枝番 extensions, or a 被保険者個人識別子',
    );
  }

  const consent = objects(request.extension, `${R}.extension`).find(
    (e) => e.url === SHIKAKU.limitCertificateConsentExtension,
  );
  if (consent && typeof consent.valueBoolean !== 'boolean')
    throw invalid(
      `${R}.extension.valueBoolean`,
      'REQUIRED',
      'the limit-certificate consent extension takes valueBoolean',
    );
  const provider = resolve(request.provider, `${R}.provider`);
  // Only a plain system|value identifier is echoed back.
  const first = objects(request.identifier, `${R}.identifier`)[0];
  const system = text(first?.system, `${R}.identifier.system`);
  const value = text(first?.value, `${R}.identifier.value`);
  return {
    card,
    confirmationDate: servicedDate,
    limitCertificateConsent: consent?.valueBoolean === true,
    providerInstitutionCode: identifierValue(
      provider,
      [MEDICAL_INSTITUTION_CODE_SYSTEM],
      'Organization',
    ),
    purpose: purpose as NonNullable<CoverageEligibilityRequest['purpose']>,
    requestIdentifier:
      system !== undefined || value !== undefined
        ? ({ ...(system ? { system } : {}), ...(value ? { value } : {}) } as Identifier)
        : undefined,
  };
}
