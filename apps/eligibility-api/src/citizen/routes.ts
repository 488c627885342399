import { CARD_KEY_ALGORITHM } from '@shikaku/core/card-key';
import { jstDate } from '@shikaku/core/clock';
import { AppError } from '@shikaku/platform/errors';
import type { FastifyInstance } from 'fastify';
import { INFORMATION_YEARS } from '../consent.js';
import {
  certificateSerial,
  certificateSerialBody,
  consentsSchema,
  errorResponsesFor,
  qualificationSchema,
} from '../schemas.js';
import type { Services } from '../services.js';
import { type CertificateKeyDirectory, httpCertificateKeys } from './certificate-keys.js';
import { admitChallenge, createChallengeStore } from './challenges.js';
import { citizenPages } from './pages.js';
import { createCitizenSessions } from './sessions.js';
import { bearerToken, requireCitizen, signInWithCard } from './sign-in.js';
import {
  citizenAccessLog,
  citizenConsents,
  citizenInformation,
  citizenQualifications,
} from './views.js';

const str = { type: 'string' } as const;
/** A signed-in citizen's routes: the session token is their credential. */
const sessionErrors = errorResponsesFor({ unauthorized: ['SESSION_REQUIRED'] });
const nullableStr = { type: ['string', 'null'] } as const;

const sections = {
  qualifications: {
    type: 'array',
    items: {
      ...qualificationSchema,
      properties: {
        state: { type: 'string', enum: ['current', 'past'] },
        document: {
          type: 'object',
          properties: {
            kind: { type: 'string', enum: ['insurance-card', 'qualification-certificate', 'none'] },
            validTo: nullableStr,
          },
        },
        ...qualificationSchema.properties,
      },
    },
  },
  drugInformation: { type: 'array', items: { type: 'object', additionalProperties: true } },
  checkups: { type: 'array', items: { type: 'object', additionalProperties: true } },
  consents: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        institutionCode: str,
        expired: { type: 'boolean' },
        ...consentsSchema.properties,
      },
    },
  },
  accessLog: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        at: str,
        institutionCode: str,
        institutionName: nullableStr,
        kind: str,
        items: { type: 'array', items: str },
        consentState: str,
        qualificationValidity: nullableStr,
        practitionerRole: {
          type: 'string',
          description:
            'the role of the registered practitioner who viewed (drug and checkup views only)',
        },
      },
    },
  },
} as const;

const sessionHeaders = {
  type: 'object',
  properties: { authorization: { type: 'string', description: 'Bearer <sessionToken>' } },
} as const;

/**
 * The citizen's side (マイナポータル): sign in with the card (challenge → the card signs it after its
 * PIN → session), then read their own qualifications, drug information, checkups, consents and
 * access log. A certificate serial alone opens nothing.
 */
export async function citizenRoutes(
  app: FastifyInstance,
  services: Services,
  keys: CertificateKeyDirectory = httpCertificateKeys({
    jlisUrl: services.config.jlisUrl,
    serviceKey: services.config.serviceKey,
  }),
): Promise<void> {
  const deps = {
    handle: services.handle,
    keys,
    challenges: createChallengeStore(services.handle),
    sessions: createCitizenSessions(services.handle, services.config.tokenSecret),
  };
  // The pages (/citizen/…) beside the JSON, on the same challenges and sessions.
  await citizenPages(app, services, deps);
  const citizen = (authorization: string | undefined) =>
    requireCitizen(deps, bearerToken(authorization), services.clock.now());

  app.post<{ Body: { certificateSerial: string } }>(
    '/v1/citizen/challenges',
    {
      schema: {
        tags: ['citizen'],
        summary:
          'Sign-in, step 1: a single-use challenge for the card to sign (expires in 5 minutes; a few a second per client address)',
        body: certificateSerialBody,
        response: {
          201: {
            description: 'The challenge for the card to sign, and until when it may be answered',
            type: 'object',
            properties: { challenge: str, expiresAt: str, algorithm: str },
          },
          // No credential yet: no 401; the per-address limit is its own.
          ...errorResponsesFor({ unauthorized: [], tooMany: ['CHALLENGE_RATE_LIMITED'] }),
        },
      },
    },
    async (request, reply) => {
      await admitChallenge(
        services.limiter,
        services.config.citizenChallengeRatePerSecond,
        request.ip,
        services.monotonicMs(),
      );
      const issued = await deps.challenges.issue(
        request.body.certificateSerial,
        services.clock.now(),
      );
      return reply.status(201).send({
        challenge: issued.challenge,
        expiresAt: issued.expiresAt.toISOString(),
        algorithm: CARD_KEY_ALGORITHM,
      });
    },
  );

  app.post<{ Body: { certificateSerial: string; challenge: string; signature: string } }>(
    '/v1/citizen/sessions',
    {
      schema: {
        tags: ['citizen'],
        summary:
          "Sign-in, step 2: the card's signature over the challenge (after its PIN); answers a session token",
        body: {
          type: 'object',
          required: ['certificateSerial', 'challenge', 'signature'],
          additionalProperties: false,
          properties: {
            certificateSerial,
            challenge: { type: 'string', minLength: 1, maxLength: 128 },
            signature: { type: 'string', minLength: 1, maxLength: 1024 },
          },
        },
        response: {
          201: {
            description: 'Signed in: the session token (send it as Authorization: Bearer)',
            type: 'object',
            properties: { sessionToken: str, tokenType: str, expiresAt: str },
          },
          ...errorResponsesFor({
            unauthorized: ['CHALLENGE_INVALID', 'CHALLENGE_EXPIRED', 'SIGNATURE_INVALID'],
          }),
        },
      },
    },
    async (request, reply) => {
      const session = await signInWithCard(deps, request.body, services.clock.now());
      return reply.status(201).send({
        sessionToken: session.token,
        tokenType: 'Bearer',
        expiresAt: session.expiresAt.toISOString(),
      });
    },
  );

  app.delete(
    '/v1/citizen/sessions/current',
    {
      schema: {
        tags: ['citizen'],
        summary: 'Sign out: ends this session on every instance (the token opens nothing after)',
        headers: sessionHeaders,
        response: {
          204: { description: 'Signed out', type: 'null' },
          ...sessionErrors,
        },
      },
    },
    async (request, reply) => {
      const token = bearerToken(request.headers.authorization);
      if (!token || !(await deps.sessions.revoke(token, services.clock.now())))
        throw new AppError('SESSION_REQUIRED', 'no live session to sign out of');
      return reply.status(204).send();
    },
  );

  const section = (
    url: string,
    summary: string,
    properties: Record<string, unknown>,
    handler: (personRef: string, now: Date) => Promise<Record<string, unknown>>,
  ) =>
    app.get(
      url,
      {
        schema: {
          tags: ['citizen'],
          summary: `${summary} (a card sign-in session)`,
          headers: sessionHeaders,
          response: {
            200: {
              description: summary,
              type: 'object',
              properties,
            },
            ...sessionErrors,
          },
        },
      },
      async (request) => {
        const { personRef } = await citizen(request.headers.authorization);
        return handler(personRef, services.clock.now());
      },
    );

  section(
    '/v1/citizen/qualifications',
    'Their qualifications, current and past, with the document held (健康保険証 / 資格確認書)',
    { asOf: str, qualifications: sections.qualifications },
    async (personRef, now) => {
      const on = jstDate(now);
      return {
        asOf: on,
        qualifications: await citizenQualifications(services.handle, personRef, on),
      };
    },
  );
  for (const [url, kind, summary, items] of [
    [
      '/v1/citizen/drug-information',
      'drug-information',
      'Their drug information (3 years)',
      sections.drugInformation,
    ],
    [
      '/v1/citizen/checkups',
      'checkup-information',
      'Their specific health checkups (5 years)',
      sections.checkups,
    ],
  ] as const)
    section(
      url,
      summary,
      { asOf: str, years: { type: 'integer' }, items },
      async (personRef, now) => {
        const on = jstDate(now);
        return {
          asOf: on,
          years: INFORMATION_YEARS[kind],
          items: await citizenInformation(services.handle, services.seed, kind, personRef, on),
        };
      },
    );
  section(
    '/v1/citizen/consents',
    'The consents they gave at readers, with when each expires',
    { consents: sections.consents },
    async (personRef, now) => ({
      consents: await citizenConsents(services.handle, personRef, now),
    }),
  );
  // Kept from before sign-in existed; the x-certificate-serial header it took opens nothing now.
  section(
    '/v1/citizen/access-log',
    'Their access log: who looked at their data, when, and what',
    { entries: sections.accessLog },
    async (personRef) => ({ entries: await citizenAccessLog(services.handle, personRef) }),
  );
  section(
    '/v1/citizen/overview',
    'Every section at once (qualifications, drug information, checkups, consents, access log)',
    {
      asOf: str,
      qualifications: sections.qualifications,
      drugInformation: sections.drugInformation,
      checkups: sections.checkups,
      consents: sections.consents,
      accessLog: sections.accessLog,
    },
    async (personRef, now) => {
      const on = jstDate(now);
      const [qualifications, drugInformation, checkups, consents, accessLog] = await Promise.all([
        citizenQualifications(services.handle, personRef, on),
        citizenInformation(services.handle, services.seed, 'drug-information', personRef, on),
        citizenInformation(services.handle, services.seed, 'checkup-information', personRef, on),
        citizenConsents(services.handle, personRef, now),
        citizenAccessLog(services.handle, personRef),
      ]);
      return { asOf: on, qualifications, drugInformation, checkups, consents, accessLog };
    },
  );
}
