import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../schemas.js';
import { requireCaller, requireServiceKey, type Services } from '../services.js';
import {
  listInstitutionPractitioners,
  PRACTITIONER_ROLES,
  type PractitionerRegistration,
  registerPractitioner,
  revokeInstitutionPractitioner,
} from './registry.js';
import { findInstitution } from '@shikaku/db/eligibility/institutions';
import { AppError } from '@shikaku/platform/errors';

const str = { type: 'string' } as const;

const practitionerSchema = {
  type: 'object',
  properties: {
    practitionerId: str,
    institutionCode: str,
    name: str,
    role: { type: 'string', enum: [...PRACTITIONER_ROLES] },
    hcRole: { type: ['string', 'null'], description: 'the HPKI hcRole value of this role' },
    certificateSerial: str,
    validFrom: str,
    validTo: str,
    registeredAt: str,
    revokedAt: { type: ['string', 'null'] },
  },
} as const;

const registrationBody = {
  type: 'object',
  required: ['name', 'role', 'certificateSerial', 'publicKey', 'validFrom', 'validTo'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    role: { type: 'string', enum: [...PRACTITIONER_ROLES] },
    certificateSerial: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
    publicKey: {
      description:
        "the certificate's public key: SubjectPublicKeyInfo PEM or a JWK (ECDSA P-256, or RSA of 2048 bits or more)",
      anyOf: [
        { type: 'string', maxLength: 4096 },
        { type: 'object', maxProperties: 16 },
      ],
    },
    validFrom: { type: 'string', maxLength: 40, description: 'RFC 3339 date-time' },
    validTo: { type: 'string', maxLength: 40, description: 'RFC 3339 date-time' },
  },
} as const;

const idParams = {
  type: 'object',
  properties: {
    code: { type: 'string', maxLength: 10 },
    practitionerId: { type: 'string', maxLength: 64 },
  },
} as const;

const registered = {
  201: { description: 'The practitioner is registered', ...practitionerSchema },
  ...errorResponses,
} as const;
const listed = {
  200: {
    description: "The institution's practitioners, revoked ones included",
    type: 'object',
    properties: { practitioners: { type: 'array', items: practitionerSchema } },
  },
  ...errorResponses,
} as const;
const revoked = {
  204: { description: 'Revoked: its next proof is refused on every instance', type: 'null' },
  ...errorResponses,
} as const;

type Registration = { Body: PractitionerRegistration };
type ById = { Params: { code?: string; practitionerId: string } };

/**
 * Practitioner credentials (HPKI-like; docs/practitioners.md), managed by the institution's admin:
 * with the institution's own token (`/v1/practitioners`, scoped to the token's institution), or by
 * the portal for a signed-in institution (`/v1/internal/institutions/{code}/practitioners`, with
 * the service key).
 */
export async function practitionerRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const now = () => services.clock.now();

  await app.register(async (own) => {
    const institutionOf = async (authorization: string | undefined) =>
      (await requireCaller(services, authorization)).institution.institutionCode;
    own.post<Registration>(
      '/v1/practitioners',
      {
        schema: {
          tags: ['rest'],
          summary: "Register a practitioner of the token's institution with their certificate",
          body: registrationBody,
          response: registered,
        },
      },
      async (request, reply) => {
        const code = await institutionOf(request.headers.authorization);
        return reply
          .status(201)
          .send(await registerPractitioner(services.handle, code, request.body, now()));
      },
    );
    own.get(
      '/v1/practitioners',
      {
        schema: {
          tags: ['rest'],
          summary: "The token's institution's practitioners",
          response: listed,
        },
      },
      async (request) => ({
        practitioners: await listInstitutionPractitioners(
          services.handle,
          await institutionOf(request.headers.authorization),
        ),
      }),
    );
    own.delete<ById>(
      '/v1/practitioners/:practitionerId',
      {
        schema: {
          tags: ['rest'],
          summary: "Revoke a practitioner's credential at the token's institution",
          params: idParams,
          response: revoked,
        },
      },
      async (request, reply) => {
        const code = await institutionOf(request.headers.authorization);
        await revokeInstitutionPractitioner(
          services.handle,
          code,
          request.params.practitionerId,
          now(),
        );
        return reply.status(204).send();
      },
    );
  });

  await app.register(async (internal) => {
    internal.addHook('onRequest', async (request) => {
      requireServiceKey(services, request.headers['x-service-key']);
    });
    const approved = async (code: string | undefined) => {
      const institution = code ? await findInstitution(services.handle, code) : undefined;
      if (!institution)
        throw new AppError('UNKNOWN_INSTITUTION', 'no approved institution with this code');
      return institution.institutionCode;
    };
    internal.post<Registration & { Params: { code: string } }>(
      '/v1/internal/institutions/:code/practitioners',
      {
        schema: {
          tags: ['internal'],
          summary: 'Register a practitioner of an institution (the portal, for its admin)',
          params: idParams,
          body: registrationBody,
          response: registered,
        },
      },
      async (request, reply) => {
        const code = await approved(request.params.code);
        return reply
          .status(201)
          .send(await registerPractitioner(services.handle, code, request.body, now()));
      },
    );
    internal.get<{ Params: { code: string } }>(
      '/v1/internal/institutions/:code/practitioners',
      {
        schema: {
          tags: ['internal'],
          summary: "An institution's practitioners (the portal)",
          params: idParams,
          response: listed,
        },
      },
      async (request) => ({
        practitioners: await listInstitutionPractitioners(
          services.handle,
          await approved(request.params.code),
        ),
      }),
    );
    internal.delete<ById>(
      '/v1/internal/institutions/:code/practitioners/:practitionerId',
      {
        schema: {
          tags: ['internal'],
          summary: "Revoke a practitioner's credential (the portal, for its admin)",
          params: idParams,
          response: revoked,
        },
      },
      async (request, reply) => {
        await revokeInstitutionPractitioner(
          services.handle,
          await approved(request.params.code),
          request.params.practitionerId,
          now(),
        );
        return reply.status(204).send();
      },
    );
  });
}
