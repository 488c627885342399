import { performance } from 'node:perf_hooks';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Clock } from '@shikaku/core/clock';
import { type DatabaseHandle, databaseClockMs } from '@shikaku/db/database';
import { type BatchFailureHook, reportBatchFailures } from '@shikaku/db/batching';
import { createAccessLogWriter } from '@shikaku/db/eligibility/access-log';
import { NONCE_SWEEP_CLOCK_MARGIN_MS } from '@shikaku/db/eligibility/practitioners';
import { AppError, registerErrorHandler } from '@shikaku/platform/errors';
import { AJV_OPTIONS, registerInputGuards } from '@shikaku/platform/input-guards';
import { registerLoadShedding } from '@shikaku/platform/load-shedding';
import { errorSummary, type Logger } from '@shikaku/platform/logger';
import { lazyChildLogger } from '@shikaku/platform/request-logger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { createCredentialCache, createRateLimiter, createTokenSigner } from './auth.js';
import { createSharedRateLimiter } from './shared-rate-limit.js';
import { createCertificateStatusChecker } from './certificate-status.js';
import type { EligibilityConfig } from './config.js';
import { startBulkInquirySweeper } from './bulk.js';
import { citizenRoutes } from './citizen/routes.js';
import { cardCertificateRoutes } from './routes/card-certificates.js';
import { ELIGIBILITY_ERROR_STATUS } from './errors.js';
import { FHIR_PREFIX, fhirRoutes } from './fhir/routes.js';
import { bulkRoutes } from './routes/bulk.js';
import { cardRoutes } from './routes/cards.js';
import { confirmationRoutes } from './routes/confirmations.js';
import { informationRoutes } from './routes/information.js';
import { PROOF_SKEW_MS } from './practitioners/proof.js';
import { practitionerRoutes } from './practitioners/routes.js';
import { internalRoutes } from './routes/internal.js';
import { SPEC_PREFIX, specRoutes } from './routes/spec.js';
import type { Services } from './services.js';
import type { Upstreams } from './upstream.js';

export interface EligibilityDeps {
  handle: DatabaseHandle;
  clock: Clock;
  logger: Logger;
  upstreams: Upstreams;
  /** Seed of the synthetic drug / checkup histories (the stack's seed). */
  seed?: number;
  /** Real monotonic milliseconds for rate limits; tests pass their own. */
  monotonicMs?: () => number;
  /**
   * Real epoch milliseconds: practitioner proofs' timestamps and the shared rate limit's windows;
   * tests pass their own.
   */
  wallClockMs?: () => number;
}

/** Builds the app; never listens (server.ts and the stack do). */
export async function buildApp(
  config: EligibilityConfig,
  deps: EligibilityDeps,
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Per-request lines at this rate would cost more than the confirmation itself.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLogger,
    bodyLimit: 5 * 1024 * 1024,
    ajv: AJV_OPTIONS,
    // Off unless configured: without it X-Forwarded-* are the client's words, trusted for nothing.
    trustProxy: config.trustProxy,
  });
  registerInputGuards(app);
  // A failed batch is retried in halves, so only its bad items fail: say that it happened (the
  // error's code and masked message and the batch's size, never its rows), or a bad key's extra
  // statements go unseen. Not the whole error: its stack and statement text are kilobytes a line,
  // and the caller that gets it logs it in full where it is a failure (a 5xx).
  const onBatchFailure: BatchFailureHook = (err, batchSize) =>
    app.log.warn({ err: errorSummary(err), batchSize }, 'batch failed; retrying it in halves');
  reportBatchFailures(deps.handle, onBatchFailure);
  const accessLog = createAccessLogWriter(deps.handle, { onBatchFailure });
  const wallClockMs = deps.wallClockMs ?? Date.now;
  // Its windows are wall-clock seconds shared with the other instances: the injected clock's.
  const sharedLimiter =
    config.sharedRateLimit && deps.handle.pool
      ? createSharedRateLimiter(deps.handle, wallClockMs)
      : undefined;
  const services: Services = {
    config,
    handle: deps.handle,
    clock: deps.clock,
    signer: createTokenSigner(config.tokenSecret, config.tokenTtlSeconds),
    credentials: createCredentialCache(deps.handle),
    limiter: sharedLimiter ?? createRateLimiter(),
    accessLog,
    upstreams: deps.upstreams,
    certificates: createCertificateStatusChecker({
      upstreams: deps.upstreams,
      clock: deps.clock,
      maxAgeMs: config.certificateStatusMaxAgeHours * 3_600_000,
    }),
    seed: deps.seed ?? 1,
    monotonicMs: deps.monotonicMs ?? (() => performance.now()),
    wallClockMs,
  };

  await app.register(swagger, {
    // A shared schema (app.addSchema) is a component named by its $id, not def-0, def-1, …
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`),
    },
    openapi: {
      info: {
        title: 'shikaku eligibility-api',
        description:
          'Online eligibility confirmation (オンライン資格確認): spec-compatible OQS endpoints and a REST API',
        version: '0.1.0',
      },
      tags: [
        { name: 'spec', description: 'OQS-compatible (/oqs-api-pro)' },
        { name: 'rest', description: 'REST/JSON for new clients' },
        { name: 'citizen', description: 'for the insured person' },
        { name: 'internal', description: 'other apps of the stack (x-service-key)' },
      ],
    },
  });
  if (config.docs) await app.register(swaggerUi, { routePrefix: '/docs' });
  registerErrorHandler(app, ELIGIBILITY_ERROR_STATUS);
  // Before the routes: past a bound every route answers 503 OVERLOADED with Retry-After (the spec
  // routes as an XmlMsg, through their own error handler). Liveness and readiness are exempt.
  const pool = deps.handle.pool;
  const shedder = await registerLoadShedding(app, {
    ...config.loadShedding,
    dbWaiting: pool ? () => pool.waitingCount : undefined,
    exemptPaths: ['/health', '/ready'],
  });

  // Liveness: the process answers; never shed, touches nothing.
  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));
  // Readiness: 503 while new work would be shed, so a balancer sends it elsewhere meanwhile.
  app.get('/ready', { schema: { hide: true } }, async (_request, reply) => {
    const reason = shedder.pressure();
    if (reason) {
      reply.header('retry-after', String(Math.max(1, config.loadShedding.retryAfterSeconds)));
      throw new AppError('OVERLOADED', 'the service is overloaded; retry later', { reason });
    }
    return { ready: true, ...shedder.snapshot() };
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(async (scope) => specRoutes(scope, services), { prefix: SPEC_PREFIX });
  await app.register(async (scope) => confirmationRoutes(scope, services));
  await app.register(async (scope) => cardRoutes(scope, services));
  await app.register(async (scope) => cardCertificateRoutes(scope, services));
  await app.register(async (scope) => informationRoutes(scope, services));
  await app.register(async (scope) => practitionerRoutes(scope, services));
  await app.register(async (scope) => bulkRoutes(scope, services));
  await app.register(async (scope) => citizenRoutes(scope, services));
  await app.register(async (scope) => internalRoutes(scope, services));
  await app.register(async (scope) => fhirRoutes(scope, services), { prefix: FHIR_PREFIX });

  // Bulk inquiries accepted before a restart, or left by a killed instance, are finished once the
  // app is ready and looked for every bulkSweepMs; one that fails is settled and logged.
  let sweeper: { stop(): Promise<void> } | undefined;
  app.addHook('onReady', async () => {
    sweeper = startBulkInquirySweeper(services, config.bulkSweepMs, (err, receptionNumber) =>
      app.log.error({ err, receptionNumber }, 'bulk inquiry failed'),
    );
  });
  app.addHook('onClose', async () => {
    await sweeper?.stop();
  });
  // Practitioner proofs are checked against this instance's wall clock (within PROOF_SKEW_MS), and
  // the nonce sweep counts on instances agreeing within NONCE_SWEEP_CLOCK_MARGIN_MS: a wall clock
  // further than PROOF_SKEW_MS from the database's (which every instance shares) is said at start.
  app.addHook('onReady', async () => {
    const databaseMs = await databaseClockMs(deps.handle).catch(() => undefined);
    if (databaseMs === undefined) return;
    const skewMs = Math.round(wallClockMs() - databaseMs);
    if (Math.abs(skewMs) > PROOF_SKEW_MS)
      app.log.warn(
        { skewMs },
        `the wall clock is ${Math.round(skewMs / 60_000)} min from the database's: practitioner proofs are refused beyond ${PROOF_SKEW_MS / 60_000} min of it, and instances must agree within ${NONCE_SWEEP_CLOCK_MARGIN_MS / 60_000} min for a nonce to stay refused`,
      );
  });
  app.addHook('onClose', async () => {
    await accessLog.close();
    // Its delete of old windows, if one is in flight, before the database closes.
    await sharedLimiter?.swept();
  });
  return app;
}
