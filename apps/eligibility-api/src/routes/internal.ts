import { parseInstitutionCode } from '@shikaku/core/institution-code';
import {
  insertCredential,
  revokeCredential,
  upsertInstitution,
  findInstitution,
} from '@shikaku/db/eligibility/institutions';
import { AppError } from '@shikaku/platform/errors';
import type { FastifyInstance } from 'fastify';
import { hashSecret, newClientCredential } from '../auth.js';
import { errorResponsesFor } from '../schemas.js';
import { requireServiceKey, type Services } from '../services.js';

/** The x-service-key is these routes' only credential (checked before anything else). */
const serviceKeyErrors = errorResponsesFor({ unauthorized: ['UNAUTHENTICATED'] });

const codeParam = {
  type: 'object',
  properties: {
    code: { type: 'string', maxLength: 10 },
    clientId: { type: 'string', maxLength: 64 },
  },
} as const;

export async function internalRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.addHook('onRequest', async (request) => {
    requireServiceKey(services, request.headers['x-service-key']);
  });

  app.post<{
    Body: {
      institutionCode: string;
      facilityType: string;
      name: string;
      rateLimitPerSecond?: number;
    };
  }>(
    '/v1/internal/institutions',
    {
      schema: {
        tags: ['internal'],
        summary: 'Register an approved institution (portal usage approval)',
        body: {
          type: 'object',
          required: ['institutionCode', 'facilityType', 'name'],
          properties: {
            institutionCode: { type: 'string' },
            facilityType: { type: 'string', enum: ['hospital', 'clinic', 'dental', 'pharmacy'] },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            rateLimitPerSecond: { type: 'integer', minimum: 1, maximum: 100000 },
          },
        },
        response: {
          201: {
            description: 'The institution is registered',
            type: 'object',
            properties: { institutionCode: { type: 'string' } },
          },
          ...serviceKeyErrors,
        },
      },
    },
    async (request, reply) => {
      const parsed = parseInstitutionCode(request.body.institutionCode);
      if (!parsed.ok) throw new AppError(parsed.code, parsed.message, { field: 'institutionCode' });
      await upsertInstitution(
        services.handle,
        {
          institutionCode: parsed.value.institutionCode,
          facilityType: request.body.facilityType,
          name: request.body.name,
          rateLimitPerSecond: request.body.rateLimitPerSecond ?? services.config.rateLimitPerSecond,
        },
        services.clock.now(),
      );
      return reply.status(201).send({ institutionCode: parsed.value.institutionCode });
    },
  );

  app.post<{ Params: { code: string } }>(
    '/v1/internal/institutions/:code/credentials',
    {
      schema: {
        tags: ['internal'],
        summary: 'Issue a client credential (the secret is shown once)',
        params: codeParam,
        response: {
          201: {
            description: 'The new credential; the secret is shown only here',
            type: 'object',
            properties: { clientId: { type: 'string' }, clientSecret: { type: 'string' } },
          },
          ...serviceKeyErrors,
        },
      },
    },
    async (request, reply) => {
      const institution = await findInstitution(services.handle, request.params.code);
      if (!institution)
        throw new AppError('UNKNOWN_INSTITUTION', 'no approved institution with this code');
      const credential = newClientCredential();
      await insertCredential(
        services.handle,
        {
          clientId: credential.clientId,
          institutionCode: institution.institutionCode,
          secretHash: hashSecret(credential.clientSecret),
        },
        services.clock.now(),
      );
      return reply.status(201).send(credential);
    },
  );

  app.delete<{ Params: { code: string; clientId: string } }>(
    '/v1/internal/institutions/:code/credentials/:clientId',
    {
      schema: {
        tags: ['internal'],
        summary: 'Revoke a client credential; its tokens stop working',
        params: codeParam,
        response: {
          204: { description: 'Revoked', type: 'null' },
          ...serviceKeyErrors,
        },
      },
    },
    async (request, reply) => {
      const revoked = await revokeCredential(
        services.handle,
        request.params.code,
        request.params.clientId,
        services.clock.now(),
      );
      services.credentials.forget(request.params.clientId);
      if (!revoked) throw new AppError('NOT_FOUND', 'no live credential with this id');
      return reply.status(204).send();
    },
  );
}
