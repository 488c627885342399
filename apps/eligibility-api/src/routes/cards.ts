import { randomUUID } from 'node:crypto';
import { jstDate } from '@shikaku/core/clock';
import { findCardLink, upsertCardLink } from '@shikaku/db/eligibility/card-links';
import { insertConsent } from '@shikaku/db/eligibility/consents';
import { AppError } from '@shikaku/platform/errors';
import type { FastifyInstance } from 'fastify';
import { confirmByPerson, viewQualification } from '../confirm.js';
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
      const link = await findCardLink(services.handle, body.certificateSerial);
      if (!link)
        throw new AppError('CARD_NOT_REGISTERED', 'this card is not registered for insurance use', {
          field: 'certificateSerial',
        });
      const certificate = await services.certificates.check(body.certificateSerial);
      assertCertificateValid(certificate.status);
      const at = services.clock.now();
      const on = body.confirmationDate ?? jstDate(at);
      const confirmation = await confirmByPerson(services.handle, link.personRef, on);
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
      if (consentId)
        await insertConsent(services.handle, {
          consentId,
          personRef: link.personRef,
          institutionCode: caller.institution.institutionCode,
          consTime: at,
          availableTime,
          ...given,
        });
      await services.accessLog.append({
        at,
        institutionCode: caller.institution.institutionCode,
        personRef: link.personRef,
        kind: 'card-confirmation',
        items: given.limitApplicationCertificate
          ? ['qualification', 'limit-application-certificate']
          : ['qualification'],
        consentState: anyGiven ? 'valid' : 'not-given',
        qualificationValidity: confirmation.validity,
      });
      return {
        qualificationValidity: confirmation.validity,
        confirmationDate: on,
        verificationMethod: body.verificationMethod,
        certificateStatus: {
          source: certificate.source,
          checkedAt: certificate.checkedAt.toISOString(),
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
