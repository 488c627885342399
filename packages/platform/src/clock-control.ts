import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { clockStepTo, type ControllableClock, jstDate, parseClockStep } from '@shikaku/core/clock';
import { AppError, ErrorBodySchema, registerErrorHandler } from './errors.js';
import { AJV_OPTIONS, registerInputGuards } from './input-guards.js';
import type { Logger } from './logger.js';
import { lazyChildLogger } from './request-logger.js';

/** Codes of the clock control, to HTTP status. */
export const CLOCK_CONTROL_ERROR_STATUS = {
  INVALID_CLOCK_STEP: 400,
  CLOCK_BACKWARDS: 409,
} as const;

const ClockState = Type.Object({
  now: Type.String({ description: 'the stack clock, ISO 8601 UTC' }),
  jstDate: Type.String({ description: 'the calendar date in Japan' }),
  advancedMs: Type.Integer({ description: 'how far it has been moved forward in all' }),
});

/**
 * The stack's clock over HTTP: `GET /v1/clock` shows it, `POST /v1/clock/advance` moves it
 * forward (`{by: "24h"}` or `{to: "2021-08-02"}`) with `x-control-key`, and answers once the jobs
 * the move made due (re-match, the reader deadline job) have run. A move backwards is 409
 * CLOCK_BACKWARDS and a malformed one 400 INVALID_CLOCK_STEP; neither moves the clock.
 */
export function buildClockControlApp(deps: {
  clock: ControllableClock;
  controlKey: string;
  logger: Logger;
}): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // No pino child per request: made only when a request writes a line (request-logger.ts).
    childLoggerFactory: lazyChildLogger,
    ajv: AJV_OPTIONS,
  });
  registerInputGuards(app);
  registerErrorHandler(app, CLOCK_CONTROL_ERROR_STATUS);
  const state = () => {
    const now = deps.clock.now();
    return { now: now.toISOString(), jstDate: jstDate(now), advancedMs: deps.clock.advancedMs() };
  };
  const expected = Buffer.from(deps.controlKey);
  const controlAuth = async (request: { headers: Record<string, unknown> }) => {
    const given = request.headers['x-control-key'];
    const buffer = typeof given === 'string' ? Buffer.from(given) : undefined;
    if (!buffer || buffer.length !== expected.length || !timingSafeEqual(buffer, expected)) {
      throw new AppError('UNAUTHENTICATED', 'missing or wrong x-control-key');
    }
  };

  app.get(
    '/v1/clock',
    { schema: { summary: 'The stack clock', response: { 200: ClockState } } },
    async () => state(),
  );
  app.post(
    '/v1/clock/advance',
    {
      schema: {
        summary: 'Move the stack clock forward (by a duration or to an instant)',
        body: Type.Object(
          {
            by: Type.Optional(Type.String({ maxLength: 64, description: '24h, 90m, 1d12h, 2w' })),
            to: Type.Optional(
              Type.String({ maxLength: 64, description: 'YYYY-MM-DD (JST) or ISO date-time' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            from: Type.String(),
            ...ClockState.properties,
          }),
          400: ErrorBodySchema,
          401: ErrorBodySchema,
          409: ErrorBodySchema,
        },
      },
      onRequest: controlAuth,
    },
    async (request) => {
      const { by, to } = request.body as { by?: string; to?: string };
      if ((by === undefined) === (to === undefined)) {
        throw new AppError('INVALID_CLOCK_STEP', 'give exactly one of by and to', {
          field: 'by',
          reason: 'format',
        });
      }
      const step = by === undefined ? clockStepTo(deps.clock.now(), to!) : parseClockStep(by);
      if (!step.ok) {
        throw new AppError(step.code, step.message, {
          field: by === undefined ? 'to' : 'by',
          reason: step.reason,
        });
      }
      const move = await deps.clock.advance(step.value);
      deps.logger.info({ from: move.from, to: move.to }, 'stack clock advanced');
      return { from: move.from.toISOString(), ...state() };
    },
  );
  app.get('/health', async () => ({ ok: true }));
  return app;
}
