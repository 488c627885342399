import { jstDate } from '@shikaku/core/clock';
import { findConsent } from '@shikaku/db/eligibility/consents';
import { findQualificationsByPerson } from '@shikaku/db/eligibility/qualifications';
import { AppError } from '@shikaku/platform/errors';
import type { FastifyInstance } from 'fastify';
import { checkInformationAccess, type InformationKind } from '../consent.js';
import { errorResponses } from '../schemas.js';
import { requireCaller, type Services } from '../services.js';
import { informationItems } from '../history.js';

const KINDS: Record<string, InformationKind> = {
  'drug-information': 'drug-information',
  'checkup-information': 'checkup-information',
};

export async function informationRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get<{ Params: { consentId: string; kind: string } }>(
    '/v1/consents/:consentId/:kind',
    {
      schema: {
        tags: ['rest'],
        summary:
          'Drug (3 years) or checkup (5 years) information inside a valid consent; doctors, dentists and pharmacists only (x-practitioner-role)',
        params: {
          type: 'object',
          properties: {
            consentId: { type: 'string', maxLength: 64 },
            kind: { type: 'string', enum: ['drug-information', 'checkup-information'] },
          },
          required: ['consentId', 'kind'],
        },
        headers: {
          type: 'object',
          properties: { 'x-practitioner-role': { type: 'string' } },
        },
        response: {
          200: {
            description: 'The consented information of this kind, while the consent lasts',
            type: 'object',
            properties: {
              kind: { type: 'string' },
              availableTime: { type: 'string' },
              items: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const caller = await requireCaller(services, request.headers.authorization);
      const kind = KINDS[request.params.kind] ?? 'drug-information';
      const consent = await findConsent(services.handle, request.params.consentId);
      if (!consent) throw new AppError('NOT_FOUND', 'no such consent');
      const now = services.clock.now();
      const roleHeader = request.headers['x-practitioner-role'];
      const check = checkInformationAccess(
        consent,
        {
          institutionCode: caller.institution.institutionCode,
          role: typeof roleHeader === 'string' ? roleHeader : undefined,
        },
        kind,
        now,
      );
      if (!check.ok) {
        if (check.code === 'INSTITUTION_MISMATCH')
          throw new AppError('NOT_FOUND', 'no such consent');
        if (check.code === 'CONSENT_EXPIRED') {
          // A refused view of an expired consent is still an access attempt worth logging.
          await services.accessLog.append({
            at: now,
            institutionCode: caller.institution.institutionCode,
            personRef: consent.personRef,
            kind,
            items: [],
            consentState: 'expired',
            qualificationValidity: null,
          });
        }
        throw new AppError(check.code, messages[check.code]);
      }
      const on = jstDate(now);
      // The history follows the person's birth date and sex as the qualification records them.
      const [held] = await findQualificationsByPerson(services.handle, consent.personRef);
      const subject = held && {
        personRef: consent.personRef,
        birthDate: held.birthDate,
        sex: held.sex,
      };
      const items = informationItems(services.seed, kind, subject, on);
      await services.accessLog.append({
        at: now,
        institutionCode: caller.institution.institutionCode,
        personRef: consent.personRef,
        kind,
        items: [kind],
        consentState: 'valid',
        qualificationValidity: null,
      });
      return { kind, availableTime: consent.availableTime.toISOString(), items };
    },
  );
}

const messages = {
  CONSENT_EXPIRED: 'the consent has expired (consents last 24 hours)',
  CONSENT_NOT_GIVEN: 'the patient did not consent to this information',
  ROLE_NOT_ALLOWED: 'only doctors, dentists and pharmacists may view this information',
} as const;
