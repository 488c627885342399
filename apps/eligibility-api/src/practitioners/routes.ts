import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorResponses, errorResponsesFor } from '../schemas.js';
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
    publicKeyFingerprint: {
      type: 'string',
      description:
        "SHA-256 of the registered public key's SubjectPublicKeyInfo DER, Base64 (RFC 7469 pin-sha256)",
    },
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

const codeParam = { code: { type: 'string', maxLength: 10 } } as const;
const idParam = { practitionerId: { type: 'string', maxLength: 64 } } as const;

const registered = (errors: PractitionerErrors) =>
  ({
    201: { description: 'The practitioner is registered', ...practitionerSchema },
    ...errors,
  }) as const;
const listed = (errors: PractitionerErrors) =>
  ({
    200: {
      description: "The institution's practitioners, revoked ones included",
      type: 'object',
      properties: { practitioners: { type: 'array', items: practitionerSchema } },
    },
    ...errors,
  }) as const;
const revoked = (errors: PractitionerErrors) =>
  ({
    204: { description: 'Revoked: its next proof is refused on every instance', type: 'null' },
    ...errors,
  }) as const;

type PractitionerErrors = ReturnType<typeof errorResponsesFor>;

type Params = { code?: string; practitionerId?: string };
type Scope = {
  /** Where the three routes live. */
  base: string;
  tag: 'rest' | 'internal';
  who: string;
  /** The error answers of its credential (the institution's token, or the service key). */
  errors: PractitionerErrors;
  /** The institution the request acts for (from its token, or its path with the service key). */
  institutionOf(request: FastifyRequest<{ Params: Params }>): Promise<string>;
};

/** Register, list and revoke, the same for both callers; only who names the institution differs. */
function registerScope(app: FastifyInstance, services: Services, scope: Scope): void {
  const now = () => services.clock.now();
  // Only the path's own parameters, so the OpenAPI document names no other.
  const base = scope.base.includes(':code') ? codeParam : {};
  const baseParams = { type: 'object', properties: base } as const;
  const idParams = { type: 'object', properties: { ...base, ...idParam } } as const;
  app.post<{ Params: Params; Body: PractitionerRegistration }>(
    scope.base,
    {
      schema: {
        tags: [scope.tag],
        summary: `Register a practitioner of ${scope.who} with their certificate`,
        params: baseParams,
        body: registrationBody,
        response: registered(scope.errors),
      },
    },
    async (request, reply) => {
      const code = await scope.institutionOf(request);
      return reply
        .status(201)
        .send(await registerPractitioner(services.handle, code, request.body, now()));
    },
  );
  app.get<{ Params: Params }>(
    scope.base,
    {
      schema: {
        tags: [scope.tag],
        summary: `The practitioners of ${scope.who}`,
        params: baseParams,
        response: listed(scope.errors),
      },
    },
    async (request) => ({
      practitioners: await listInstitutionPractitioners(
        services.handle,
        await scope.institutionOf(request),
      ),
    }),
  );
  app.delete<{ Params: Params }>(
    `${scope.base}/:practitionerId`,
    {
      schema: {
        tags: [scope.tag],
        summary: `Revoke a practitioner's credential at ${scope.who}`,
        params: idParams,
        response: revoked(scope.errors),
      },
    },
    async (request, reply) => {
      await revokeInstitutionPractitioner(
        services.handle,
        await scope.institutionOf(request),
        request.params.practitionerId ?? '',
        now(),
      );
      return reply.status(204).send();
    },
  );
}

/**
 * Practitioner credentials (HPKI-like; docs/practitioners.md), managed by the institution's admin:
 * with the institution's own token (`/v1/practitioners`, scoped to the token's institution), or by
 * the portal for a signed-in institution (`/v1/internal/institutions/{code}/practitioners`, with
 * the service key).
 */
export async function practitionerRoutes(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(async (own) =>
    registerScope(own, services, {
      base: '/v1/practitioners',
      tag: 'rest',
      who: "the token's institution",
      errors: errorResponses,
      institutionOf: async (request) =>
        (await requireCaller(services, request.headers.authorization)).institution.institutionCode,
    }),
  );
  await app.register(async (internal) => {
    internal.addHook('onRequest', async (request) => {
      requireServiceKey(services, request.headers['x-service-key']);
    });
    registerScope(internal, services, {
      base: '/v1/internal/institutions/:code/practitioners',
      tag: 'internal',
      who: 'an institution (the portal, for its admin)',
      errors: errorResponsesFor({ unauthorized: ['UNAUTHENTICATED'] }),
      institutionOf: async (request) => {
        const code = request.params.code;
        const institution = code ? await findInstitution(services.handle, code) : undefined;
        if (!institution)
          throw new AppError('UNKNOWN_INSTITUTION', 'no approved institution with this code');
        return institution.institutionCode;
      },
    });
  });
}
