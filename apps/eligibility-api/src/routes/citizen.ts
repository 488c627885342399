import { findCardLink } from '@shikaku/db/eligibility/card-links';
import { listAccessLogByPerson } from '@shikaku/db/eligibility/access-log';
import { AppError } from '@shikaku/platform/errors';
import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../schemas.js';
import type { Services } from '../services.js';
import { assertCertificateValid } from './cards.js';

export async function citizenRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get(
    '/v1/citizen/access-log',
    {
      schema: {
        tags: ['citizen'],
        summary: "A person's own access log (authenticated with their card's certificate serial)",
        headers: {
          type: 'object',
          required: ['x-certificate-serial'],
          properties: { 'x-certificate-serial': { type: 'string', minLength: 1, maxLength: 64 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              entries: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    at: { type: 'string' },
                    institutionCode: { type: 'string' },
                    institutionName: { type: ['string', 'null'] },
                    kind: { type: 'string' },
                    items: { type: 'array', items: { type: 'string' } },
                    consentState: { type: 'string' },
                    qualificationValidity: { type: ['string', 'null'] },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const serial = String(request.headers['x-certificate-serial']);
      const link = await findCardLink(services.handle, serial);
      if (!link)
        throw new AppError('CARD_NOT_REGISTERED', 'this card is not registered for insurance use');
      assertCertificateValid((await services.certificates.check(serial)).status);
      const entries = await listAccessLogByPerson(services.handle, link.personRef);
      return {
        entries: entries.map((e) => ({
          at: e.at.toISOString(),
          institutionCode: e.institutionCode,
          institutionName: e.institutionName,
          kind: e.kind,
          items: e.items,
          consentState: e.consentState,
          qualificationValidity: e.qualificationValidity,
        })),
      };
    },
  );
}
