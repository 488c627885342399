import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Clock } from '@shikaku/core/clock';
import type { DatabaseHandle } from '@shikaku/db/database';
import { notifyCounterparts } from '@shikaku/db/intermediate/notifications';
import { registerErrorHandler } from '@shikaku/platform/errors';
import { AJV_OPTIONS, registerInputGuards } from '@shikaku/platform/input-guards';
import type { Logger } from '@shikaku/platform/logger';
import { lazyChildLogger } from '@shikaku/platform/request-logger';
import type { InsurerApiConfig } from './config.js';
import type { InsurerApiContext } from './context.js';
import { INSURER_API_ERROR_STATUS } from './errors.js';
import { httpJlisClient, type JlisClient } from './jlis-client.js';
import { runJlisChecksOnce } from './jobs/jlis-checks.js';
import { runRematchOnce } from './jobs/rematch.js';
import { every } from './jobs/scheduler.js';
import { deliverWebhooksOnce } from './jobs/webhooks.js';
import { counterpartMessage } from './registration/notice.js';
import { notificationRoutes } from './routes/notifications.js';
import { registrationRoutes } from './routes/registrations.js';
import { serviceRoutes } from './routes/service.js';

export interface InsurerApiDeps {
  handle: DatabaseHandle;
  clock: Clock;
  logger: Logger;
  /** Defaults to the J-LIS emulator over HTTP at config.jlis.url. */
  jlis?: JlisClient;
}

/**
 * The intermediate server. Never listens (server.ts or the stack does). With config.jobs.enabled
 * it also runs the J-LIS queue, the re-match and webhook delivery, stopped by app.close().
 */
export async function buildApp(
  config: InsurerApiConfig,
  deps: InsurerApiDeps,
): Promise<FastifyInstance> {
  const ctx: InsurerApiContext = {
    config,
    handle: deps.handle,
    clock: deps.clock,
    logger: deps.logger,
    jlis: deps.jlis ?? httpJlisClient(config.jlis),
  };
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // No pino child per request: made only when a request writes a line (request-logger.ts).
    childLoggerFactory: lazyChildLogger,
    ajv: AJV_OPTIONS,
  });
  registerInputGuards(app);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'shikaku intermediate server (医療保険者等向け中間サーバー)',
        description:
          'Member registration with the My Number mis-entry checks, J-LIS queries, notifications, and the qualification outbox (without My Number).',
        version: '1',
      },
      components: {
        securitySchemes: {
          insurerKey: { type: 'http', scheme: 'bearer', description: 'one key per insurer' },
          serviceKey: { type: 'apiKey', in: 'header', name: 'x-service-key' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerErrorHandler(app, INSURER_API_ERROR_STATUS);

  registrationRoutes(app, ctx);
  notificationRoutes(app, ctx);
  serviceRoutes(app, ctx);
  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));

  if (config.jobs.enabled) {
    const jobs = [
      every(
        'jlis-checks',
        config.jobs.checkIntervalMs,
        () =>
          runJlisChecksOnce({
            handle: ctx.handle,
            clock: ctx.clock,
            jlis: ctx.jlis,
            logger: ctx.logger,
            policy: config.policy,
            retryBaseMs: config.jobs.retryBaseMs,
            retryMaxMs: config.jobs.retryMaxMs,
          }),
        deps.logger,
        ctx.clock,
      ),
      every(
        'rematch',
        config.jobs.rematchIntervalMs,
        () => runRematchOnce({ handle: ctx.handle, clock: ctx.clock, policy: config.policy }),
        deps.logger,
        ctx.clock,
      ),
      // The insurer that registered earlier learns of a conflict too (before its webhook runs).
      every(
        'counterparts',
        config.jobs.checkIntervalMs,
        () => notifyCounterparts(ctx.handle, counterpartMessage, ctx.clock.now()),
        deps.logger,
        ctx.clock,
      ),
      every(
        'webhooks',
        config.jobs.checkIntervalMs,
        () => deliverWebhooksOnce({ handle: ctx.handle, clock: ctx.clock, logger: ctx.logger }),
        deps.logger,
        ctx.clock,
      ),
    ];
    app.addHook('onClose', async () => {
      await Promise.all(jobs.map((job) => job.stop()));
    });
  }
  return app;
}
