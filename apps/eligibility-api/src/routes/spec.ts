// The spec-compatible endpoints: an existing OQS client points here by changing only its host.
// Every answer under /oqs-api-pro, error or not (framework rejections and unknown paths included),
// is a full XmlMsg (header + ProcessingResultStatus) written from core's schema of the messages,
// as JSON or XML in the form the request came in.
import { jstDate } from '@shikaku/core/clock';
import { parseInstitutionCode } from '@shikaku/core/institution-code';
import {
  buildErrorResponse,
  buildSearchResponse,
  oqsJson,
  oqsXml,
  qualificationResult,
  REFERENCE_CLASSIFICATION,
  type ResponseContext,
  readSearchRequest,
  type SearchResponseMessage,
} from '@shikaku/core/oqs-message';
import { messageJsonSchema, SEARCH_REQUEST, SEARCH_RESPONSE } from '@shikaku/core/oqs-schema';
import { decodeOqsXml, parseOqsXml } from '@shikaku/core/oqs-xml';
import { findInstitution } from '@shikaku/db/eligibility/institutions';
import { AppError, toErrorResponse } from '@shikaku/platform/errors';
import { described, serializeAsDocumentedOnly } from '@shikaku/platform/openapi';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, login } from '../auth.js';
import { confirmByCardNumbers, validateCardNumbers, viewQualification } from '../confirm.js';
import { ELIGIBILITY_ERROR_STATUS } from '../errors.js';
import { CALLER_UNAUTHORIZED } from '../schemas.js';
import { requireCaller, type Services } from '../services.js';

export const SPEC_PREFIX = '/oqs-api-pro';
export const SPEC_AUTH_PATH = `${SPEC_PREFIX}/MSA12020/ILI12020SV01/auth`;
export const SPEC_SEARCH_PATH = `${SPEC_PREFIX}/MSA01030/ILI01030SV01/search`;
/** A search request is a few hundred bytes; the bound is checked before anything is parsed. */
export const SPEC_BODY_LIMIT = 64 * 1024;

/** The login answer: the real auth API's {status, msg, result} wrapper. */
const AUTH_ANSWER = {
  type: 'object',
  properties: {
    status: { type: 'string', description: '0 success, 1 error' },
    msg: { type: 'string' },
    code: { type: 'string', description: 'stable error code (errors only)' },
    result: {
      type: ['object', 'null'],
      properties: {
        accessToken: { type: 'string' },
        refreshToken: { type: 'string' },
        idToken: { type: 'string' },
        linkSysCharCd: { type: 'string' },
      },
    },
  },
} as const;

/** The answer's schema, declared once for the route's statuses (a component in openapi.json). */
const SEARCH_RESPONSE_SCHEMA_ID = 'OqsSearchResponse';
const STATUS_IN_XMLMSG = 'The XmlMsg with SegmentOfResult 9:';

const isXml = (contentType: string | undefined) => !!contentType && /xml/i.test(contentType);

function send(reply: FastifyReply, xml: boolean, status: number, message: SearchResponseMessage) {
  reply.status(status);
  return xml
    ? reply.type('application/xml; charset=utf-8').send(oqsXml(SEARCH_RESPONSE, message))
    : reply.type('application/json; charset=utf-8').send(oqsJson(SEARCH_RESPONSE, message));
}

/** An error answer in the spec shape for a request no handler read (framework, unknown path). */
async function sendRejection(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
) {
  const at = services.clock.now();
  // The header names the caller's institution when its token says who it is (public clients read
  // MedicalInstitutionCode as required); a request without a valid token leaves it out, and so
  // does a refusal under overload (503), which must stay cheap.
  const caller =
    status === 503
      ? undefined
      : await authenticate(
          services.signer,
          services.credentials,
          request.headers.authorization,
          at.getTime(),
        ).catch(() => undefined);
  const context: ResponseContext = {
    at,
    confirmationDate: '',
    medicalInstitutionCode: caller?.institution.institutionCode ?? '',
    referenceClassification: REFERENCE_CLASSIFICATION.insuranceCardNumbers,
  };
  if (status === 429) reply.header('retry-after', '1');
  return send(
    reply,
    isXml(request.headers['content-type']),
    status,
    buildErrorResponse(context, code, message),
  );
}

/** Reads the raw body as the JSON form of a message, from JSON or XML. Throws MALFORMED_BODY. */
function readBody(body: unknown, xml: boolean): unknown {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  if (bytes.length === 0) throw new AppError('MALFORMED_BODY', 'the request has no body');
  if (xml) {
    const parsed = parseOqsXml(decodeOqsXml(bytes));
    if (!parsed.ok)
      throw new AppError('MALFORMED_BODY', `malformed XML: ${parsed.message}`, {
        line: parsed.line,
      });
    return parsed.value;
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw new AppError('MALFORMED_BODY', 'the body is not valid JSON');
  }
}

export async function specRoutes(app: FastifyInstance, services: Services): Promise<void> {
  // Raw bodies: a malformed document must become a spec-shaped answer, not Fastify's 400.
  app.addSchema({ $id: SEARCH_RESPONSE_SCHEMA_ID, ...messageJsonSchema(SEARCH_RESPONSE) });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  // Whatever fails before a handler runs (a body over the limit, a Content-Length that does not
  // match the body, …) still answers in the spec shape, with a stable code.
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorResponse(error, ELIGIBILITY_ERROR_STATUS);
    if (status >= 500) request.log.error({ err: error, reqId: request.id }, 'request failed');
    return sendRejection(services, request, reply, status, body.code, body.message);
  });
  app.setNotFoundHandler((request, reply) =>
    sendRejection(
      services,
      request,
      reply,
      404,
      'NOT_FOUND',
      `no route ${request.method} ${request.url.split('?')[0]}`,
    ),
  );

  app.post(
    SPEC_AUTH_PATH.slice(SPEC_PREFIX.length),
    {
      bodyLimit: SPEC_BODY_LIMIT,
      schema: {
        tags: ['spec'],
        summary: 'Login (MSA12020): client id + secret → idToken for the search',
        body: {},
        response: {
          200: described(AUTH_ANSWER, 'Logged in (status 0): the tokens; send the idToken'),
          400: described(AUTH_ANSWER, 'The body is not JSON (status 1, MALFORMED_BODY)'),
          401: described(AUTH_ANSWER, 'Wrong client id or secret (status 1)'),
        },
      },
      // The schemas document the answer only: it keeps the bytes it has without them.
      serializerCompiler: serializeAsDocumentedOnly,
    },
    async (request, reply) => {
      let clientId = '';
      let clientSecret = '';
      try {
        const body = readBody(request.body, false) as Record<string, unknown>;
        clientId = String(body.clientId ?? body.userId ?? '');
        clientSecret = String(body.clientSecret ?? body.password ?? '');
      } catch {
        return reply.status(400).send({
          status: '1',
          msg: 'the body is not valid JSON',
          code: 'MALFORMED_BODY',
          result: null,
        });
      }
      try {
        const nowMs = services.clock.now().getTime();
        const record = await login(services.credentials, clientId, clientSecret, nowMs);
        return {
          status: '0',
          msg: '',
          result: {
            accessToken: services.signer.issue(record.clientId, 'access', nowMs),
            refreshToken: services.signer.issue(record.clientId, 'refresh', nowMs),
            idToken: services.signer.issue(record.clientId, 'id', nowMs),
            linkSysCharCd: '0',
          },
        };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return reply
          .status(401)
          .send({ status: '1', msg: error.message, code: error.code, result: null });
      }
    },
  );

  app.post(
    SPEC_SEARCH_PATH.slice(SPEC_PREFIX.length),
    {
      bodyLimit: SPEC_BODY_LIMIT,
      // The body schema documents the message (derived from core's schema); the raw body is read
      // by readSearchRequest, whose coded problems answer in the spec shape, so the framework
      // compiles no validator for it (validating a raw buffer only cost time on every search).
      validatorCompiler: () => () => true,
      schema: {
        tags: ['spec'],
        summary: 'Eligibility confirmation by insurance-card numbers (MSA01030), JSON or XML',
        description:
          'Authorization: the idToken, bare. Body: XmlMsg JSON (every value a string) or the same as XML with Content-Type application/xml. The answer echoes QualificationConfirmSearchInfo; ResultList is an array of {ResultOfQualificationConfirmation} wrappers; absent elements are omitted. Errors keep the full header with SegmentOfResult 9 and ProcessingResultStatus 2.',
        body: messageJsonSchema(SEARCH_REQUEST),
        response: {
          200: described(
            { $ref: `${SEARCH_RESPONSE_SCHEMA_ID}#` },
            'The answer (資格確認結果), JSON or XML as asked; a message error is the same XmlMsg with SegmentOfResult 9 and ProcessingResultCode, answered 200 as the real interface does',
          ),
          // Only these keep an HTTP status of their own; each is the same XmlMsg (SegmentOfResult
          // 9, the code in ProcessingResultCode).
          401: described(
            { $ref: `${SEARCH_RESPONSE_SCHEMA_ID}#` },
            `${STATUS_IN_XMLMSG} Missing or wrong idToken (${CALLER_UNAUTHORIZED.join(', ')})`,
          ),
          429: described(
            { $ref: `${SEARCH_RESPONSE_SCHEMA_ID}#` },
            `${STATUS_IN_XMLMSG} Too many requests for the institution, Retry-After (RATE_LIMITED)`,
          ),
          503: described(
            { $ref: `${SEARCH_RESPONSE_SCHEMA_ID}#` },
            `${STATUS_IN_XMLMSG} Overloaded, Retry-After (OVERLOADED)`,
          ),
        },
      },
    },
    async (request, reply) => {
      const xml = isXml(request.headers['content-type']);
      const context: ResponseContext = {
        at: services.clock.now(),
        confirmationDate: '',
        medicalInstitutionCode: '',
        referenceClassification: REFERENCE_CLASSIFICATION.insuranceCardNumbers,
      };
      try {
        const caller = await requireCaller(services, request.headers.authorization);
        context.medicalInstitutionCode = caller.institution.institutionCode;
        const read = readSearchRequest(readBody(request.body, xml));
        if (!read.ok)
          throw new AppError(read.problem.code, read.problem.message, {
            field: read.problem.field,
          });
        const search = read.value;
        context.searchInfo = search.echo;
        context.arbitraryFileIdentifier = search.arbitraryFileIdentifier;
        context.confirmationDate = search.confirmationDate ?? jstDate(context.at);
        if (search.medicalInstitutionCode !== undefined) {
          const code = parseInstitutionCode(search.medicalInstitutionCode);
          if (!code.ok)
            throw new AppError(code.code, code.message, { field: 'MedicalInstitutionCode' });
          if (code.value.institutionCode !== caller.institution.institutionCode) {
            const known = await findInstitution(services.handle, code.value.institutionCode);
            throw known
              ? new AppError(
                  'INSTITUTION_MISMATCH',
                  'MedicalInstitutionCode is not the logged-in institution',
                )
              : new AppError(
                  'UNKNOWN_INSTITUTION',
                  'MedicalInstitutionCode is not an approved institution',
                );
          }
        }
        const query = validateCardNumbers({
          insurerNumber: search.insurerNumber,
          insuredCardSymbol: search.insuredCardSymbol,
          insuredIdentificationNumber: search.insuredIdentificationNumber,
          insuredBranchNumber: search.insuredBranchNumber,
          birthDate: search.birthDate,
        });
        const confirmation = await confirmByCardNumbers(
          services.handle,
          query,
          context.confirmationDate,
        );
        const limitConsentTime = search.limitCertificateConsent ? context.at : undefined;
        await services.accessLog.append({
          at: context.at,
          institutionCode: caller.institution.institutionCode,
          personRef: confirmation.personRef,
          kind: 'confirmation',
          items: search.limitCertificateConsent
            ? ['qualification', 'limit-application-certificate']
            : ['qualification'],
          consentState: 'none',
          qualificationValidity: confirmation.validity,
        });
        const results = confirmation.records.map((q) =>
          qualificationResult(
            viewQualification(q, context.confirmationDate, search.limitCertificateConsent),
            null,
            limitConsentTime,
          ),
        );
        return send(reply, xml, 200, buildSearchResponse(context, confirmation.validity, results));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        const status = ELIGIBILITY_ERROR_STATUS[error.code] ?? 400;
        // Authentication and rate limits keep their HTTP status; message errors answer 200 with
        // ProcessingResultStatus 2, as the real interface does.
        const http = status === 401 || status === 429 || status === 503 ? status : 200;
        if (http === 429) reply.header('retry-after', '1');
        const where = error.details.field
          ? ` (${error.details.field})`
          : error.details.line
            ? ` (line ${error.details.line})`
            : '';
        return send(
          reply,
          xml,
          http,
          buildErrorResponse(context, error.code, `${error.message}${where}`),
        );
      }
    },
  );
}
