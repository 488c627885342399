import { jstDate } from '@shikaku/core/clock';
import { type BulkResultMessage, oqsJson, oqsXml } from '@shikaku/core/oqs-message';
import { BULK_RESULT, messageJsonSchema } from '@shikaku/core/oqs-schema';
import { INSTANCE_ID } from '@shikaku/db/claims';
import { findBulkInquiry, insertBulkInquiry } from '@shikaku/db/eligibility/bulk-inquiries';
import { AppError } from '@shikaku/platform/errors';
import { described } from '@shikaku/platform/openapi';
import type { FastifyInstance } from 'fastify';
import { type BulkItem, INQUIRY_FAILED, newReceptionNumber, settleBulkInquiry } from '../bulk.js';
import { cardNumbersProperties, errorResponses, isoDate } from '../schemas.js';
import { requireCaller, type Services } from '../services.js';

const statusSchema = {
  type: 'object',
  properties: {
    receptionNumber: { type: 'string' },
    status: { type: 'string' },
    items: { type: 'integer' },
    confirmationDate: { type: 'string' },
  },
} as const;

export async function bulkRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.post<{ Body: { items: BulkItem[]; confirmationDate?: string } }>(
    '/v1/bulk-inquiries',
    {
      schema: {
        tags: ['rest'],
        summary: '一括照会: submit many card-number queries, get a reception number',
        body: {
          type: 'object',
          required: ['items'],
          additionalProperties: false,
          properties: {
            confirmationDate: isoDate,
            items: {
              type: 'array',
              minItems: 1,
              maxItems: 10000,
              items: {
                type: 'object',
                required: ['insurerNumber', 'insuredIdentificationNumber', 'birthDate'],
                additionalProperties: false,
                properties: {
                  ...cardNumbersProperties,
                  arbitraryIdentifier: { type: 'string', maxLength: 64 },
                },
              },
            },
          },
        },
        response: {
          202: described(statusSchema, 'Accepted: the reception number and the status to poll'),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const caller = await requireCaller(services, request.headers.authorization);
      const at = services.clock.now();
      const receptionNumber = newReceptionNumber();
      const institutionCode = caller.institution.institutionCode;
      const confirmationDate = request.body.confirmationDate ?? jstDate(at);
      await insertBulkInquiry(
        services.handle,
        {
          receptionNumber,
          institutionCode,
          confirmationDate,
          submittedAt: at,
          items: request.body.items,
        },
        INSTANCE_ID,
      );
      // Processed after the answer, by this instance (it holds the claim); what a killed instance
      // left is taken over when its lease runs out (processPendingBulkInquiries).
      setImmediate(() => {
        settleBulkInquiry(services, receptionNumber, institutionCode).catch((err: unknown) =>
          request.log.error({ err, reqId: request.id }, 'bulk inquiry failed'),
        );
      });
      return reply.status(202).send({
        receptionNumber,
        status: 'accepted',
        items: request.body.items.length,
        confirmationDate,
      });
    },
  );

  app.get<{ Params: { receptionNumber: string } }>(
    '/v1/bulk-inquiries/:receptionNumber',
    {
      schema: {
        tags: ['rest'],
        summary: 'Poll a bulk inquiry (only the institution that submitted it)',
        params: {
          type: 'object',
          properties: { receptionNumber: { type: 'string', maxLength: 64 } },
        },
        response: {
          200: described(statusSchema, "The inquiry's status and item count"),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const caller = await requireCaller(services, request.headers.authorization);
      const inquiry = await findBulkInquiry(
        services.handle,
        request.params.receptionNumber,
        caller.institution.institutionCode,
      );
      if (!inquiry) throw new AppError('NOT_FOUND', 'no such reception number');
      return {
        receptionNumber: inquiry.receptionNumber,
        status: inquiry.status,
        items: inquiry.items.length,
        confirmationDate: inquiry.confirmationDate,
      };
    },
  );

  app.get<{ Params: { receptionNumber: string } }>(
    '/v1/bulk-inquiries/:receptionNumber/result',
    {
      schema: {
        tags: ['rest'],
        summary: 'Download a bulk result (OQSmuquc02res; XML with Accept: application/xml)',
        params: {
          type: 'object',
          properties: { receptionNumber: { type: 'string', maxLength: 64 } },
        },
        response: {
          200: described(
            messageJsonSchema(BULK_RESULT),
            'The result (OQSmuquc02res): this JSON, or the same as XML with Accept: application/xml',
          ),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const caller = await requireCaller(services, request.headers.authorization);
      const inquiry = await findBulkInquiry(
        services.handle,
        request.params.receptionNumber,
        caller.institution.institutionCode,
      );
      if (!inquiry) throw new AppError('NOT_FOUND', 'no such reception number');
      if (inquiry.status === 'failed') {
        const { failure } = inquiry.result as { failure?: { message?: string } };
        throw new AppError(INQUIRY_FAILED, failure?.message ?? 'the inquiry could not be answered');
      }
      if (inquiry.status !== 'done')
        throw new AppError('CONFLICT', 'the inquiry is still being processed; poll its status');
      // The stored result is written again through the schema: a jsonb column keeps no key order.
      const result = inquiry.result as BulkResultMessage;
      if (/xml/.test(request.headers.accept ?? ''))
        return reply.type('application/xml; charset=utf-8').send(oqsXml(BULK_RESULT, result));
      return reply.type('application/json; charset=utf-8').send(oqsJson(BULK_RESULT, result));
    },
  );
}
