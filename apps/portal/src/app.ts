// buildApp(config, deps) returns the portal's Fastify instance and never listens (server.ts does).
// Plugins first (cookies, forms, uploads, CSRF), then sessions, then every route module in one list.
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyMultipart from '@fastify/multipart';
import type { Clock } from '@shikaku/core/clock';
import type { DatabaseHandle } from '@shikaku/db/database';
import { registerErrorHandler } from '@shikaku/platform/errors';
import { AJV_OPTIONS, INT4_MAX, registerInputGuards } from '@shikaku/platform/input-guards';
import type { Logger } from '@shikaku/platform/logger';
import { lazyChildLogger } from '@shikaku/platform/request-logger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { registerAuthRoutes } from './auth/routes.js';
import { registerSessions } from './auth/session.js';
import type { PortalConfig } from './config.js';
import type { PortalContext } from './context.js';
import { PORTAL_ERROR_STATUS } from './errors.js';
import { registerFaqRoutes } from './faq/routes.js';
import { registerHomeRoutes } from './home-routes.js';
import { registerMailboxRoutes } from './mail/routes.js';
import { registerOperatorRoutes } from './operator/routes.js';
import { registerPractitionerRoutes } from './practitioners/routes.js';
import { registerReaderRoutes } from './readers/routes.js';
import { directoryReceiptStore, type ReceiptStore } from './subsidy/receipt-store.js';
import { registerSubsidyRoutes } from './subsidy/routes.js';
import {
  type EligibilityCredentialsClient,
  unavailableEligibilityClient,
} from './usage/eligibility-client.js';
import { registerUsageRoutes } from './usage/routes.js';
import { registerHtmlErrorHandler } from './web/render.js';

export interface PortalDeps {
  handle: DatabaseHandle;
  clock: Clock;
  logger?: Logger;
  /** Issues credentials on usage approval; approvals fail with UPSTREAM_UNAVAILABLE without one. */
  eligibility?: EligibilityCredentialsClient;
  receipts?: ReceiptStore;
}

/** The CSRF token comes in the form's `_csrf` field (urlencoded or multipart) or a header. */
function csrfToken(request: FastifyRequest): string | void {
  const body = request.body as Record<string, unknown> | undefined;
  const field = body?._csrf;
  if (typeof field === 'string') return field;
  if (field && typeof field === 'object' && 'value' in field && typeof field.value === 'string') {
    return field.value;
  }
  const header = request.headers['x-csrf-token'];
  return typeof header === 'string' ? header : undefined;
}

export async function buildApp(config: PortalConfig, deps: PortalDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    // No pino child per request: made only when a request writes a line (request-logger.ts).
    childLoggerFactory: lazyChildLogger,
    bodyLimit: 64 * 1024,
    ajv: AJV_OPTIONS,
  }) as unknown as FastifyInstance;
  // The ids in portal paths are `integer` serials.
  registerInputGuards(app, { serialIds: { params: ['id', 'receiptId'], max: INT4_MAX } });
  const ctx: PortalContext = {
    config,
    handle: deps.handle,
    clock: deps.clock,
    eligibility: deps.eligibility ?? unavailableEligibilityClient,
    receipts: deps.receipts ?? directoryReceiptStore(config.uploadDir),
    sessions: {
      handle: deps.handle,
      clock: deps.clock,
      ttlMinutes: config.sessionTtlMinutes,
      secureCookies: config.secureCookies,
    },
  };

  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifyMultipart, {
    attachFieldsToBody: true,
    limits: { fileSize: config.maxReceiptBytes, files: 1, fields: 10, fieldSize: 4096 },
  });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies },
    getToken: csrfToken,
  });
  registerErrorHandler(app, PORTAL_ERROR_STATUS);
  registerSessions(app, ctx.sessions);
  // Every state-changing request carries the form's CSRF token.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD') return done();
    app.csrfProtection(request, reply, done);
  });

  app.get('/health', async () => ({ ok: true }));

  await app.register(async (pages) => {
    registerHtmlErrorHandler(pages, PORTAL_ERROR_STATUS, ctx.clock);
    registerHomeRoutes(pages, ctx);
    registerAuthRoutes(pages, ctx);
    registerMailboxRoutes(pages, ctx);
    registerReaderRoutes(pages, ctx);
    registerUsageRoutes(pages, ctx);
    registerPractitionerRoutes(pages, ctx);
    registerSubsidyRoutes(pages, ctx);
    registerOperatorRoutes(pages, ctx);
    registerFaqRoutes(pages, ctx);
  });
  return app;
}
