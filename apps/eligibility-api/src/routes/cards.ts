import { randomUUID } from 'node:crypto';
import { jstDate } from '@shikaku/core/clock';
import { upsertCardLink } from '@shikaku/db/eligibility/card-links';
import { findCardHolder } from '@shikaku/db/eligibility/qualifications';
import { AppError } from '@shikaku/platform/errors';
import type { FastifyInstance } from 'fastify';
import { confirmHolder, viewQualification } from '../confirm.js';
import { consentAvailableTime } from '../consent.js';
import {
  certificateSerial,
  certificateSerialBody,
  confirmationResponse,
  consentsSchema,
  errorResponses,
  isoDate,
} from '../schemas.js';
import { requireCaller, type Services } from '../services.js';
import type { CertificateStatus } from '../upstream.js';

const serial = certificateSerial;

/** A certificate that is not valid ends the flow with its stable code. */
export function assertCertificateValid(status: CertificateStatus): void {
  if (status === 'valid') return;
  if (status === 'revoked') throw new AppError('CARD_REVOKED', 'the card certificate is revoked');
  if (status === 'expired') throw new AppError('CARD_EXPIRED', 'the card certificate has expired');
  if (status === 'locked')
    throw new AppError('CARD_LOCKED', 'the card is locked (PIN tried too often)');
  throw new AppError('CARD_NOT_REGISTERED', 'J-LIS does not know this certificate');
}

/** A promise's outcome as a value, so a rejection waits until the caller looks at it. */
async function settled<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

interface CardConfirmationBody {
  certificateSerial: string;
  verificationMethod: 'face' | 'pin' | 'visual';
  confirmationDate?: string;
  consents?: {
    specificHealthCheckups?: boolean;
    pharmacists?: boolean;
    diagnosis?: boolean;
    operations?: boolean;
    limitApplicationCertificate?: boolean;
  };
}

export async function cardRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.post<{ Body: { certificateSerial: string } }>(
    '/v1/card-registrations',
    {
      schema: {
        tags: ['rest'],
        summary: '保険証利用登録: link a My Number card certificate to its person',
        body: certificateSerialBody,
        response: {
          201: {
            description: 'The card is registered for online confirmation',
            type: 'object',
            properties: { registered: { type: 'boolean' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const caller = await requireCaller(services, request.headers.authorization);
      const { certificateSerial } = request.body;
      assertCertificateValid((await services.certificates.check(certificateSerial)).status);
      const person = await services.upstreams.resolveCertificate(certificateSerial);
      if (!person) throw new AppError('PERSON_NOT_FOUND', 'no insured person holds this card');
      await upsertCardLink(
        services.handle,
        {
          certificateSerial,
          personRef: person.personRef,
          institutionCode: caller.institution.institutionCode,
        },
        services.clock.now(),
      );
      return reply.status(201).send({ registered: true });
    },
  );

  app.post<{ Body: CardConfirmationBody }>(
    '/v1/card-confirmations',
    {
      schema: {
        tags: ['rest'],
        summary: 'Eligibility confirmation by My Number card (from the reader), with consents',
        body: {
          type: 'object',
          required: ['certificateSerial', 'verificationMethod'],
          additionalProperties: false,
          properties: {
            certificateSerial: serial,
            verificationMethod: { type: 'string', enum: ['face', 'pin', 'visual'] },
            confirmationDate: isoDate,
            consents: {
              type: 'object',
              additionalProperties: false,
              properties: {
                specificHealthCheckups: { type: 'boolean' },
                pharmacists: { type: 'boolean' },
                diagnosis: { type: 'boolean' },
                operations: { type: 'boolean' },
                limitApplicationCertificate: { type: 'boolean' },
              },
            },
          },
        },
        response: {
          200: {
            description:
              "The holder's qualifications, how they were verified, the consents and the certificate status",
            ...confirmationResponse,
            properties: {
              ...confirmationResponse.properties,
              verificationMethod: { type: 'string' },
              consents: consentsSchema,
              certificateStatus: {
                type: 'object',
                description:
                  'where the certificate status came from: J-LIS now, or (J-LIS unreachable) its last answer, at checkedAt',
                properties: {
                  source: { type: 'string', enum: ['jlis', 'cache'] },
                  checkedAt: { type: 'string' },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const caller = await requireCaller(services, request.headers.authorization);
      const body = request.body;
      // The card's link with its person's qualifications (one round trip) and J-LIS's status of
      // its certificate, asked at once; an unregistered card is refused whatever J-LIS says.
      const [holder, certificate] = await Promise.all([
        findCardHolder(services.handle, body.certificateSerial),
        settled(services.certificates.check(body.certificateSerial)),
      ]);
      if (!holder)
        throw new AppError('CARD_NOT_REGISTERED', 'this card is not registered for insurance use', {
          field: 'certificateSerial',
        });
      if (!certificate.ok) throw certificate.error;
      assertCertificateValid(certificate.value.status);
      const at = services.clock.now();
      const on = body.confirmationDate ?? jstDate(at);
      const confirmation = confirmHolder(holder, on);
      const given = {
        specificHealthCheckups: body.consents?.specificHealthCheckups === true,
        pharmacists: body.consents?.pharmacists === true,
        diagnosis: body.consents?.diagnosis === true,
        operations: body.consents?.operations === true,
        limitApplicationCertificate: body.consents?.limitApplicationCertificate === true,
      };
      const anyGiven = Object.values(given).some(Boolean);
      const consentId = anyGiven ? randomUUID() : null;
      const availableTime = consentAvailableTime(at);
      // The consent is inserted by the access log's statement: both are committed before the answer.
      await services.accessLog.append({
        at,
        institutionCode: caller.institution.institutionCode,
        personRef: holder.personRef,
        kind: 'card-confirmation',
        items: given.limitApplicationCertificate
          ? ['qualification', 'limit-application-certificate']
          : ['qualification'],
        consentState: anyGiven ? 'valid' : 'not-given',
        qualificationValidity: confirmation.validity,
        consent: consentId
          ? {
              consentId,
              personRef: holder.personRef,
              institutionCode: caller.institution.institutionCode,
              consTime: at,
              availableTime,
              ...given,
            }
          : undefined,
      });
      return {
        qualificationValidity: confirmation.validity,
        confirmationDate: on,
        verificationMethod: body.verificationMethod,
        certificateStatus: {
          source: certificate.value.source,
          checkedAt: certificate.value.checkedAt.toISOString(),
        },
        consents: {
          consentId,
          consTime: consentId ? at.toISOString() : null,
          availableTime: consentId ? availableTime.toISOString() : null,
          ...given,
        },
        results: confirmation.records.map((q) =>
          viewQualification(q, on, given.limitApplicationCertificate),
        ),
      };
    },
  );
}
