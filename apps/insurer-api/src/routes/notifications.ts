import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { jstStartOfDay } from '@shikaku/core/clock';
import { addDays } from '@shikaku/core/dates';
import { findInsurerWebhook, setInsurerWebhook } from '@shikaku/db/intermediate/insurers';
import {
  listNotifications,
  listWebhookDeliveries,
  markNotification,
} from '@shikaku/db/intermediate/notifications';
import { AppError } from '@shikaku/platform/errors';
import { described } from '@shikaku/platform/openapi';
import { BIGINT_MAX } from '@shikaku/platform/input-guards';
import { insurerAuth, requireInsurer } from '../auth.js';
import type { InsurerApiContext } from '../context.js';
import { describeNotice } from '../registration/notice.js';
import { ErrorBody, Notification, WebhookDelivery } from '../schemas.js';

const KINDS = [
  'BIRTH_DATE_MISMATCH',
  'KANA_NAME_MISMATCH',
  'JLIS_VERIFIED',
  'JLIS_MISMATCH',
  'JLIS_NOT_FOUND',
] as const;

/**
 * An insurer's work list: notifications (suspicions and J-LIS results) filtered by kind, state and
 * date, each naming the facts that differ and where the conflict came from; read and acknowledged;
 * and the webhook that pushes them (registered here, signed, its deliveries listed).
 */
export function notificationRoutes(app: FastifyInstance, ctx: InsurerApiContext): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const auth = insurerAuth(ctx.handle);
  const security = [{ insurerKey: [] }];

  typed.get(
    '/v1/notifications',
    {
      schema: {
        summary: "The insurer's work list: notifications oldest first, filtered, paged by id",
        tags: ['notifications'],
        security,
        querystring: Type.Object({
          after: Type.Optional(Type.Integer({ minimum: 0, maximum: BIGINT_MAX })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          unacknowledged: Type.Optional(Type.Boolean()),
          kind: Type.Optional(
            Type.String({
              pattern: `^(${KINDS.join('|')})(,(${KINDS.join('|')}))*$`,
              maxLength: 200,
              description: `one kind or several, comma-separated: ${KINDS.join(', ')}`,
            }),
          ),
          status: Type.Optional(
            Type.Union(
              [Type.Literal('open'), Type.Literal('unread'), Type.Literal('acknowledged')],
              {
                description: 'open: not acknowledged; unread: not read; acknowledged',
              },
            ),
          ),
          from: Type.Optional(
            Type.String({ format: 'date', description: 'made on or after this JST day' }),
          ),
          to: Type.Optional(
            Type.String({ format: 'date', description: 'made on or before this JST day' }),
          ),
        }),
        response: {
          200: Type.Object(
            { notifications: Type.Array(Notification) },
            { description: "The insurer's notifications" },
          ),
          401: ErrorBody,
        },
      },
      onRequest: auth,
    },
    async (request) => {
      const q = request.query;
      const notifications = await listNotifications(
        ctx.handle,
        requireInsurer(request).insurerNumber,
        {
          after: q.after,
          limit: q.limit,
          unacknowledged: q.unacknowledged,
          kinds: q.kind?.split(','),
          status: q.status,
          from: q.from === undefined ? undefined : jstStartOfDay(q.from),
          to: q.to === undefined ? undefined : jstStartOfDay(addDays(q.to, 1)),
        },
      );
      return {
        notifications: notifications.map(({ dedupeKey, ...n }) => ({
          ...n,
          ...describeNotice({ ...n, dedupeKey }),
        })),
      };
    },
  );

  for (const mark of ['read', 'acknowledged'] as const) {
    const verb = mark === 'read' ? 'read' : 'acknowledge';
    typed.post(
      `/v1/notifications/:id/${verb}`,
      {
        schema: {
          summary: `Mark a notification ${mark}`,
          tags: ['notifications'],
          security,
          params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: BIGINT_MAX }) }),
          response: {
            204: Type.Null({ description: `The notification is marked ${mark}` }),
            401: ErrorBody,
            404: ErrorBody,
          },
        },
        onRequest: auth,
      },
      async (request, reply) => {
        const ok = await markNotification(
          ctx.handle,
          requireInsurer(request).insurerNumber,
          request.params.id,
          mark,
          ctx.clock.now(),
        );
        if (!ok)
          throw new AppError('NOTIFICATION_NOT_FOUND', 'no such notification of this insurer');
        return reply.status(204).send(null);
      },
    );
  }

  const WebhookState = Type.Object({
    url: Type.Union([Type.String(), Type.Null()]),
    signed: Type.Boolean({ description: 'deliveries carry x-shikaku-signature' }),
  });

  typed.get(
    '/v1/webhook',
    {
      schema: {
        summary: "The insurer's webhook (never its secret)",
        tags: ['webhook'],
        security,
        response: { 200: described(WebhookState, 'The webhook and its state'), 401: ErrorBody },
      },
      onRequest: auth,
    },
    async (request) =>
      (await findInsurerWebhook(ctx.handle, requireInsurer(request).insurerNumber)) ?? {
        url: null,
        signed: false,
      },
  );

  typed.put(
    '/v1/webhook',
    {
      schema: {
        summary:
          'Register the webhook: notifications are POSTed to url, signed with secret (x-shikaku-signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">), retried with backoff',
        tags: ['webhook'],
        security,
        body: Type.Object(
          {
            url: Type.String({ maxLength: 2000 }),
            secret: Type.String({ minLength: 16, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: described(WebhookState, 'The webhook now set'),
          401: ErrorBody,
          422: ErrorBody,
        },
      },
      onRequest: auth,
    },
    async (request) => {
      const { url, secret } = request.body;
      if (!isHttpUrl(url)) {
        throw new AppError('INVALID_WEBHOOK', 'url must be an absolute http(s) URL', {
          field: 'url',
        });
      }
      await setInsurerWebhook(ctx.handle, requireInsurer(request).insurerNumber, { url, secret });
      return { url, signed: true };
    },
  );

  typed.delete(
    '/v1/webhook',
    {
      schema: {
        summary: 'Remove the webhook (notifications stay on the work list)',
        tags: ['webhook'],
        security,
        response: { 204: Type.Null({ description: 'The webhook is removed' }), 401: ErrorBody },
      },
      onRequest: auth,
    },
    async (request, reply) => {
      await setInsurerWebhook(ctx.handle, requireInsurer(request).insurerNumber, null);
      return reply.status(204).send(null);
    },
  );

  typed.get(
    '/v1/webhook/deliveries',
    {
      schema: {
        summary: 'Every delivery attempt with its outcome, oldest first, paged by id',
        tags: ['webhook'],
        security,
        querystring: Type.Object({
          after: Type.Optional(Type.Integer({ minimum: 0, maximum: BIGINT_MAX })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          outcome: Type.Optional(
            Type.Union([
              Type.Literal('delivered'),
              Type.Literal('failed'),
              Type.Literal('abandoned'),
            ]),
          ),
        }),
        response: {
          200: Type.Object(
            { deliveries: Type.Array(WebhookDelivery) },
            { description: 'The latest webhook deliveries' },
          ),
          401: ErrorBody,
        },
      },
      onRequest: auth,
    },
    async (request) => ({
      deliveries: await listWebhookDeliveries(
        ctx.handle,
        requireInsurer(request).insurerNumber,
        request.query,
      ),
    }),
  );
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
