import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { listOutboxEvents } from '@shikaku/db/intermediate/outbox';
import { findPersonRef } from '@shikaku/db/intermediate/registrations';
import { AppError } from '@shikaku/platform/errors';
import { BIGINT_MAX } from '@shikaku/platform/input-guards';
import { serviceAuth } from '../auth.js';
import type { InsurerApiContext } from '../context.js';
import { JlisUnavailableError } from '../jlis-client.js';
import { runJlisChecksOnce } from '../jobs/jlis-checks.js';
import { runRematchOnce } from '../jobs/rematch.js';
import { ErrorBody, QualificationEvent, QualificationWithheldEvent } from '../schemas.js';

/** What other services call (x-service-key): the outbox, card resolution, on-demand jobs. */
export function serviceRoutes(app: FastifyInstance, ctx: InsurerApiContext): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const auth = serviceAuth(ctx.config.serviceKey);
  const security = [{ serviceKey: [] }];

  typed.get(
    '/v1/outbox/qualifications',
    {
      schema: {
        summary:
          'Qualification events after a sequence (the hand-off to eligibility-api; no My Number)',
        tags: ['service'],
        security,
        querystring: Type.Object({
          after: Type.Integer({ minimum: 0, maximum: BIGINT_MAX, default: 0 }),
          limit: Type.Integer({ minimum: 1, maximum: 5000, default: 500 }),
          // Opt-in, so consumers written before withheld events existed see what they always saw.
          include: Type.Optional(
            Type.Literal('withheld', {
              description:
                'also answer qualification.withheld events for registrations withheld from viewing',
            }),
          ),
        }),
        response: {
          200: Type.Object(
            {
              events: Type.Array(Type.Union([QualificationEvent, QualificationWithheldEvent])),
              next: Type.Integer(),
            },
            { description: 'The events after the cursor (no My Number) and the next cursor' },
          ),
          401: ErrorBody,
        },
      },
      onRequest: auth,
    },
    async (request) => {
      const { after, limit, include } = request.query;
      const events = await listOutboxEvents(ctx.handle, {
        after,
        limit,
        includeWithheld: include === 'withheld',
      });
      return {
        events: events.map((e) =>
          'withheld' in e
            ? {
                sequence: e.sequence,
                eventId: e.eventId,
                type: 'qualification.withheld' as const,
                occurredAt: e.occurredAt,
                personRef: e.personRef,
                qualificationId: e.qualificationId,
              }
            : { ...e, type: 'qualification.upserted' as const },
        ) as never,
        next: events.at(-1)?.sequence ?? after,
      };
    },
  );

  typed.post(
    '/v1/internal/certificate-resolutions',
    {
      schema: {
        summary: 'Who holds this card certificate: answers the personRef only (asks J-LIS)',
        tags: ['service'],
        security,
        body: Type.Object({ certificateSerial: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: {
          200: Type.Object(
            { personRef: Type.String() },
            { description: "The certificate holder's person reference" },
          ),
          401: ErrorBody,
          404: ErrorBody,
          503: ErrorBody,
        },
      },
      onRequest: auth,
    },
    async (request) => {
      let certificate;
      try {
        certificate = await ctx.jlis.certificate(request.body.certificateSerial);
      } catch (error) {
        if (error instanceof JlisUnavailableError) {
          throw new AppError('JLIS_UNAVAILABLE', 'J-LIS is unavailable; try again');
        }
        throw error;
      }
      const personRef = certificate && (await findPersonRef(ctx.handle, certificate.myNumber));
      if (!personRef) throw new AppError('PERSON_NOT_FOUND', 'no member holds this certificate');
      return { personRef };
    },
  );

  typed.post(
    '/v1/jobs/rematch',
    {
      schema: {
        summary: 'Run the periodic re-match of no-history numbers now',
        tags: ['jobs'],
        security,
        response: {
          200: Type.Object(
            { rematched: Type.Integer(), notified: Type.Integer() },
            { description: 'How many registrations were matched again and notified' },
          ),
          401: ErrorBody,
        },
      },
      onRequest: auth,
    },
    async () => runRematchOnce({ handle: ctx.handle, clock: ctx.clock, policy: ctx.config.policy }),
  );

  typed.post(
    '/v1/jobs/jlis-checks',
    {
      schema: {
        summary: 'Work off the due J-LIS checks once now',
        tags: ['jobs'],
        security,
        response: {
          200: Type.Object(
            { claimed: Type.Integer(), completed: Type.Integer(), deferred: Type.Integer() },
            { description: 'The checks claimed, completed and deferred' },
          ),
          401: ErrorBody,
        },
      },
      onRequest: auth,
    },
    async () =>
      runJlisChecksOnce({
        handle: ctx.handle,
        clock: ctx.clock,
        jlis: ctx.jlis,
        logger: ctx.logger,
        policy: ctx.config.policy,
        retryBaseMs: ctx.config.jobs.retryBaseMs,
        retryMaxMs: ctx.config.jobs.retryMaxMs,
      }),
  );
}
