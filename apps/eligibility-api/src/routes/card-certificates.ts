import { AppError } from '@shikaku/platform/errors';
import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../schemas.js';
import { requireCaller, type Services } from '../services.js';

/**
 * What a reader asks as soon as a card is placed: does J-LIS know this card's certificate, and is
 * it in force. An unknown serial is refused there, before any consent screen (issue #14); no
 * person is resolved and nothing is stored or logged as a confirmation.
 */
export async function cardCertificateRoutes(app: FastifyInstance, services: Services) {
  app.get<{ Params: { certificateSerial: string } }>(
    '/v1/card-certificates/:certificateSerial',
    {
      schema: {
        tags: ['rest'],
        summary: "A placed card's certificate: known to J-LIS, and its status (valid, revoked, …)",
        params: {
          type: 'object',
          required: ['certificateSerial'],
          properties: { certificateSerial: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        response: {
          200: {
            description: 'J-LIS knows the certificate: its status and where the answer came from',
            type: 'object',
            properties: {
              certificateSerial: { type: 'string' },
              status: { type: 'string', enum: ['valid', 'revoked', 'expired', 'locked'] },
              source: { type: 'string', enum: ['jlis', 'cache'] },
              checkedAt: { type: 'string' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      await requireCaller(services, request.headers.authorization);
      const { certificateSerial } = request.params;
      const answer = await services.certificates.check(certificateSerial);
      if (answer.status === 'unknown')
        throw new AppError('NOT_FOUND', 'J-LIS knows no certificate with this serial', {
          field: 'certificateSerial',
        });
      return {
        certificateSerial,
        status: answer.status,
        source: answer.source,
        checkedAt: answer.checkedAt.toISOString(),
      };
    },
  );
}
