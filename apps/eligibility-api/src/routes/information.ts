import { jstDate } from '@shikaku/core/clock';
import { findInformationViewContext } from '@shikaku/db/eligibility/information-views';
import { AppError } from '@shikaku/platform/errors';
import type { FastifyInstance } from 'fastify';
import { checkInformationAccess, type InformationKind } from '../consent.js';
import { CALLER_UNAUTHORIZED, errorResponsesFor } from '../schemas.js';
import { requireCaller, type Services } from '../services.js';
import { informationItems } from '../history.js';
import { acceptPractitionerProof, readPractitionerProof } from '../practitioners/proof.js';
import { PRACTITIONER_PROOF_HEADERS } from '@shikaku/core/practitioner-proof';
import { PRACTITIONER_ERROR_STATUS } from '../practitioners/errors.js';

const KINDS: Record<string, InformationKind> = {
  'drug-information': 'drug-information',
  'checkup-information': 'checkup-information',
};

// The institution's token, then the practitioner's proof (every 401 of docs/practitioners.md).
const informationErrors = errorResponsesFor({
  unauthorized: [
    ...CALLER_UNAUTHORIZED,
    ...Object.keys(PRACTITIONER_ERROR_STATUS).filter(
      (code) => PRACTITIONER_ERROR_STATUS[code] === 401,
    ),
  ],
  tooMany: ['RATE_LIMITED'],
});

export async function informationRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get<{ Params: { consentId: string; kind: string } }>(
    '/v1/consents/:consentId/:kind',
    {
      schema: {
        tags: ['rest'],
        summary:
          "Drug (3 years) or checkup (5 years) information inside a valid consent, for a registered doctor, dentist or pharmacist of the institution: the request carries the practitioner's signed proof (x-practitioner-* headers, docs/practitioners.md)",
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
          properties: {
            [PRACTITIONER_PROOF_HEADERS.certificate]: {
              type: 'string',
              description: "the practitioner's certificate serial, as registered",
            },
            [PRACTITIONER_PROOF_HEADERS.timestamp]: {
              type: 'string',
              description: 'RFC 3339 UTC; within 5 minutes of the server clock',
            },
            [PRACTITIONER_PROOF_HEADERS.nonce]: {
              type: 'string',
              description: '16–128 base64url characters, never reused',
            },
            [PRACTITIONER_PROOF_HEADERS.signature]: {
              type: 'string',
              description:
                'base64url SHA-256 signature (ECDSA P-256 DER or RSA PKCS#1 v1.5) over the proof string',
            },
          },
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
          ...informationErrors,
        },
      },
    },
    async (request) => {
      const caller = await requireCaller(services, request.headers.authorization);
      const kind = KINDS[request.params.kind] ?? 'drug-information';
      const now = services.clock.now();
      // The proof's headers first; then its registrations, the consent and whom it is about in
      // one read, checked in verifyPractitionerProof's order before the consent is looked at.
      const wallMs = services.wallClockMs();
      const proof = readPractitionerProof(request, wallMs);
      const context = await findInformationViewContext(services.handle, {
        certificateSerial: proof.certificateSerial,
        consentId: request.params.consentId,
      });
      const practitioner = await acceptPractitionerProof(
        services.handle,
        request,
        proof,
        context.registrations,
        caller.institution.institutionCode,
        { now, wallMs },
      );
      const consent = context.consent;
      if (!consent) throw new AppError('NOT_FOUND', 'no such consent');
      const check = checkInformationAccess(
        consent,
        { institutionCode: caller.institution.institutionCode, role: practitioner.role },
        kind,
        now,
      );
      const viewer = { practitionerId: practitioner.practitionerId, role: practitioner.role };
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
            practitioner: viewer,
          });
        }
        throw new AppError(check.code, messages[check.code]);
      }
      const on = jstDate(now);
      // The history follows the person's birth date and sex as the qualification records them.
      const subject = context.subject && { personRef: consent.personRef, ...context.subject };
      const items = informationItems(services.seed, kind, subject, on);
      await services.accessLog.append({
        at: now,
        institutionCode: caller.institution.institutionCode,
        personRef: consent.personRef,
        kind,
        items: [kind],
        consentState: 'valid',
        qualificationValidity: null,
        practitioner: viewer,
      });
      return { kind, availableTime: consent.availableTime.toISOString(), items };
    },
  );
}

const messages = {
  CONSENT_EXPIRED: 'the consent has expired (consents last 24 hours)',
  CONSENT_NOT_GIVEN: 'the patient did not consent to this information',
  ROLE_NOT_ALLOWED:
    "the practitioner's role may not view this information (doctors, dentists and pharmacists may)",
} as const;
