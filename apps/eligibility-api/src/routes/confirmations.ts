import { jstDate } from '@shikaku/core/clock';
import { described } from '@shikaku/platform/openapi';
import type { FastifyInstance } from 'fastify';
import { login } from '../auth.js';
import { confirmByCardNumbers, validateCardNumbers, viewQualification } from '../confirm.js';
import {
  cardNumbersProperties,
  confirmationResponse,
  errorResponses,
  errorResponsesFor,
  isoDate,
} from '../schemas.js';
import { requireCaller, type Services } from '../services.js';

interface ConfirmationBody {
  insurerNumber: string;
  insuredCardSymbol?: string | null;
  insuredIdentificationNumber: string;
  insuredBranchNumber?: string;
  birthDate: string;
  confirmationDate?: string;
  limitCertificateConsent?: boolean;
}

export async function confirmationRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.post<{ Body: { clientId: string; clientSecret: string } }>(
    '/v1/auth/token',
    {
      schema: {
        tags: ['rest'],
        summary: 'Client credentials → idToken (send as Authorization: Bearer <idToken>)',
        body: {
          type: 'object',
          required: ['clientId', 'clientSecret'],
          properties: { clientId: { type: 'string' }, clientSecret: { type: 'string' } },
        },
        response: {
          200: {
            description: 'The idToken, its lifetime in seconds and the institution',
            type: 'object',
            properties: {
              idToken: { type: 'string' },
              expiresIn: { type: 'integer' },
              institutionCode: { type: 'string' },
            },
          },
          ...errorResponsesFor({ unauthorized: ['INVALID_CREDENTIALS', 'CREDENTIAL_REVOKED'] }),
        },
      },
    },
    async (request) => {
      const nowMs = services.clock.now().getTime();
      const record = await login(
        services.credentials,
        request.body.clientId,
        request.body.clientSecret,
        nowMs,
      );
      return {
        idToken: services.signer.issue(record.clientId, 'id', nowMs),
        expiresIn: services.config.tokenTtlSeconds,
        institutionCode: record.institutionCode,
      };
    },
  );

  app.post<{ Body: ConfirmationBody }>(
    '/v1/confirmations',
    {
      schema: {
        tags: ['rest'],
        summary: 'Eligibility confirmation by insurance-card numbers + birth date',
        body: {
          type: 'object',
          required: ['insurerNumber', 'insuredIdentificationNumber', 'birthDate'],
          additionalProperties: false,
          properties: {
            ...cardNumbersProperties,
            confirmationDate: isoDate,
            limitCertificateConsent: { type: 'boolean' },
          },
        },
        response: {
          200: described(confirmationResponse, 'The qualifications found for the card numbers'),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const caller = await requireCaller(services, request.headers.authorization);
      const body = request.body;
      const at = services.clock.now();
      const on = body.confirmationDate ?? jstDate(at);
      const query = validateCardNumbers({
        insurerNumber: body.insurerNumber,
        insuredCardSymbol: body.insuredCardSymbol ?? null,
        insuredIdentificationNumber: body.insuredIdentificationNumber,
        insuredBranchNumber: body.insuredBranchNumber || undefined,
        birthDate: body.birthDate,
      });
      const confirmation = await confirmByCardNumbers(services.handle, query, on);
      const limit = body.limitCertificateConsent === true;
      await services.accessLog.append({
        at,
        institutionCode: caller.institution.institutionCode,
        personRef: confirmation.personRef,
        kind: 'confirmation',
        items: limit ? ['qualification', 'limit-application-certificate'] : ['qualification'],
        consentState: 'none',
        qualificationValidity: confirmation.validity,
      });
      return {
        qualificationValidity: confirmation.validity,
        confirmationDate: on,
        results: confirmation.records.map((q) => viewQualification(q, on, limit)),
      };
    },
  );
}
