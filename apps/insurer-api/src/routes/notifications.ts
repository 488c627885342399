import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { listNotifications, markNotification } from '@shikaku/db/intermediate/notifications';
import { AppError } from '@shikaku/platform/errors';
import { BIGINT_MAX } from '@shikaku/platform/input-guards';
import { insurerAuth, requireInsurer } from '../auth.js';
import type { InsurerApiContext } from '../context.js';
import { ErrorBody, Notification } from '../schemas.js';

/** An insurer's notifications: suspicions and J-LIS results, read and acknowledged. */
export function notificationRoutes(app: FastifyInstance, ctx: InsurerApiContext): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const auth = insurerAuth(ctx.handle);
  const security = [{ insurerKey: [] }];

  typed.get(
    '/v1/notifications',
    {
      schema: {
        summary: "The insurer's notifications, oldest first, paged by id",
        tags: ['notifications'],
        security,
        querystring: Type.Object({
          after: Type.Optional(Type.Integer({ minimum: 0, maximum: BIGINT_MAX })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          unacknowledged: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Type.Object({ notifications: Type.Array(Notification) }), 401: ErrorBody },
      },
      onRequest: auth,
    },
    async (request) => ({
      notifications: await listNotifications(
        ctx.handle,
        requireInsurer(request).insurerNumber,
        request.query,
      ),
    }),
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
          response: { 204: Type.Null(), 401: ErrorBody, 404: ErrorBody },
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
}
