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

export const errorResponses = {
  400: ErrorBodySchema,
  401: ErrorBodySchema,
  403: ErrorBodySchema,
  404: ErrorBodySchema,
  409: ErrorBodySchema,
  423: ErrorBodySchema,
  // The institutions' rate limit; the sign-in challenge route names its own code instead.
  429: errorResponseWithCodes(429, ['RATE_LIMITED']),
  503: ErrorBodySchema,
} as const;
