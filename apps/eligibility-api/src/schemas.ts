// JSON schemas shared by the REST routes (request validation, response serialization, OpenAPI).
import { ErrorBodySchema, errorResponseWithCodes } from '@shikaku/platform/errors';

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;

export const qualificationSchema = {
  type: 'object',
  properties: {
    insuredCardClassification: str,
    insurerNumber: str,
    insurerName: str,
    insuredCardSymbol: nullableStr,
    insuredIdentificationNumber: str,
    insuredBranchNumber: str,
    personalFamilyClassification: str,
    name: str,
    nameKana: str,
    sex: str,
    birthDate: str,
    address: str,
    postNumber: str,
    qualificationDate: str,
    disqualificationDate: nullableStr,
    cardIssuedOn: nullableStr,
    cardValidFrom: nullableStr,
    cardValidTo: nullableStr,
    reasonOfLoss: nullableStr,
    copayRatio: nullableStr,
    preschool: { type: 'boolean' },
    elderlyRecipientCertificate: {
      type: ['object', 'null'],
      properties: { validStartDate: str, validEndDate: str, contributionRatio: str },
    },
    limitApplicationCertificate: {
      type: ['object', 'null'],
      properties: {
        classification: str,
        classificationFlag: str,
        issuedOn: str,
        validFrom: str,
        validTo: str,
      },
    },
  },
} as const;

/** YYYY-MM-DD that is a real calendar date from 1000 to 9999 (platform's ajv `date` format). */
export const isoDate = {
  type: 'string',
  format: 'date',
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
} as const;

export const cardNumbersProperties = {
  insurerNumber: { type: 'string', minLength: 1, maxLength: 10 },
  insuredCardSymbol: { type: ['string', 'null'], maxLength: 38 },
  insuredIdentificationNumber: { type: 'string', minLength: 1, maxLength: 38 },
  insuredBranchNumber: { type: 'string', maxLength: 2 },
  birthDate: isoDate,
} as const;

export const confirmationResponse = {
  type: 'object',
  properties: {
    qualificationValidity: str,
    confirmationDate: str,
    results: { type: 'array', items: qualificationSchema },
  },
} as const;

/** A My Number card's certificate serial (the card's user certificate). */
export const certificateSerial = { type: 'string', minLength: 1, maxLength: 64 } as const;

/** A body naming one card: 保険証利用登録, a citizen's sign-in challenge. */
export const certificateSerialBody = {
  type: 'object',
  required: ['certificateSerial'],
  additionalProperties: false,
  properties: { certificateSerial },
} as const;

export const consentsSchema = {
  type: 'object',
  properties: {
    consentId: nullableStr,
    consTime: nullableStr,
    availableTime: nullableStr,
    specificHealthCheckups: { type: 'boolean' },
    pharmacists: { type: 'boolean' },
    diagnosis: { type: 'boolean' },
    operations: { type: 'boolean' },
    limitApplicationCertificate: { type: 'boolean' },
  },
} as const;

/** The 401 codes of a route that takes an institution's idToken (requireCaller). */
export const CALLER_UNAUTHORIZED = ['UNAUTHENTICATED', 'CREDENTIAL_REVOKED'] as const;

/**
 * The error answers of a route that takes an institution's idToken: its 401 codes and the
 * institution's rate limit. A route with its own authentication takes `errorResponsesFor`.
 */
export const errorResponses = errorResponsesFor({
  unauthorized: CALLER_UNAUTHORIZED,
  tooMany: ['RATE_LIMITED'],
});

/**
 * The error answers of a route, naming in its 401 and 429 only the codes it can answer (the app's
 * table holds every route's); with none, the route declares no such status.
 */
export function errorResponsesFor(codes: {
  unauthorized: readonly string[];
  tooMany?: readonly string[];
}) {
  const { unauthorized, tooMany = [] } = codes;
  return {
    400: ErrorBodySchema,
    ...(unauthorized.length > 0 ? { 401: errorResponseWithCodes(401, unauthorized) } : {}),
    403: ErrorBodySchema,
    404: ErrorBodySchema,
    409: ErrorBodySchema,
    423: ErrorBodySchema,
    ...(tooMany.length > 0 ? { 429: errorResponseWithCodes(429, tooMany) } : {}),
    503: ErrorBodySchema,
  };
}
