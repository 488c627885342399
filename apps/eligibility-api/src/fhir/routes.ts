// FHIR R4 eligibility beside the OQS messages: POST /fhir/CoverageEligibilityRequest/$submit (FHIR
// R4's operation; POST /fhir/CoverageEligibilityRequest answers the same) and GET /fhir/metadata.
// The same search and core rule as the OQS path (confirm.ts), the same access log, the same
// institution token. Every answer under /fhir, errors and unknown paths included, is a FHIR
// resource (application/fhir+json); an error is an OperationOutcome with the app's stable code.
import { jstDate } from '@shikaku/core/clock';
import { AppError, toErrorResponse } from '@shikaku/platform/errors';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { confirmByCardNumbers, validateCardNumbers, viewQualification } from '../confirm.js';
import { ELIGIBILITY_ERROR_STATUS } from '../errors.js';
import { requireCaller, type Services } from '../services.js';
import { capabilityStatement } from './capability.js';
import { operationOutcome } from './outcome.js';
import { readEligibilityRequest } from './request.js';
import { buildEligibilityResponse } from './resources.js';

export const FHIR_PREFIX = '/fhir';
export const FHIR_CONTENT_TYPE = 'application/fhir+json; charset=utf-8';
/** A request with its contained Patient, Coverage and Organizations is a few kilobytes. */
export const FHIR_BODY_LIMIT = 64 * 1024;

/** Where a card-number problem lies in the FHIR request. */
const CARD_FIELDS: Record<string, string> = {
  insurerNumber: 'Coverage.payor.identifier.value',
  insuredCard: 'Coverage.extension',
};

const send = (reply: FastifyReply, status: number, resource: unknown) =>
  reply.status(status).type(FHIR_CONTENT_TYPE).send(resource);

export async function fhirRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/fhir+json', 'application/json'],
    { parseAs: 'string' },
    (_request, body, done) => {
      try {
        done(null, JSON.parse(String(body)) as unknown);
      } catch {
        done(new AppError('MALFORMED_BODY', 'the body is not valid JSON'), undefined);
      }
    },
  );
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorResponse(error, ELIGIBILITY_ERROR_STATUS);
    if (status >= 500) request.log.error({ err: error, reqId: request.id }, 'request failed');
    if (status === 429) reply.header('retry-after', '1');
    const { code, message, ...details } = body;
    return send(reply, status, operationOutcome(status, code, message, details));
  });
  app.setNotFoundHandler((request, reply) =>
    send(
      reply,
      404,
      operationOutcome(404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );

  app.get('/metadata', { schema: { hide: true } }, async (request, reply) =>
    send(
      reply,
      200,
      capabilityStatement(
        services.clock.now(),
        `${request.protocol}://${request.host}${FHIR_PREFIX}`,
      ),
    ),
  );

  const submit = async (
    request: { body: unknown; headers: { authorization?: string } },
    reply: FastifyReply,
  ) => {
    const caller = await requireCaller(services, request.headers.authorization);
    const asked = readEligibilityRequest(request.body);
    const institutionCode = caller.institution.institutionCode;
    if (
      asked.providerInstitutionCode !== undefined &&
      asked.providerInstitutionCode !== institutionCode
    )
      throw new AppError('INSTITUTION_MISMATCH', 'provider is not the logged-in institution', {
        field: 'CoverageEligibilityRequest.provider',
      });
    let query;
    try {
      query = validateCardNumbers(asked.card);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const field = CARD_FIELDS[String(error.details.field)] ?? error.details.field;
      throw new AppError(error.code, error.message, { ...error.details, field });
    }
    const at = services.clock.now();
    const on = asked.confirmationDate ?? jstDate(at);
    const confirmation = await confirmByCardNumbers(services.handle, query, on);
    const limit = asked.limitCertificateConsent;
    await services.accessLog.append({
      at,
      institutionCode,
      personRef: confirmation.personRef,
      kind: 'confirmation',
      items: limit ? ['qualification', 'limit-application-certificate'] : ['qualification'],
      consentState: 'none',
      qualificationValidity: confirmation.validity,
    });
    return send(
      reply,
      200,
      buildEligibilityResponse({
        at,
        on,
        purpose: asked.purpose,
        requestIdentifier: asked.requestIdentifier,
        institution: { institutionCode, name: caller.institution.name },
        query,
        validity: confirmation.validity,
        results: confirmation.records.map((q) => ({
          view: viewQualification(q, on, limit),
          nameKana: q.nameKana,
        })),
      }),
    );
  };
  const options = { bodyLimit: FHIR_BODY_LIMIT, schema: { hide: true } };
  app.post('/CoverageEligibilityRequest/$submit', options, submit);
  app.post('/CoverageEligibilityRequest', options, submit);
}
