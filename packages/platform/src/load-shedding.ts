import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorStatusTable } from './errors.js';

/**
 * Bounds past which an app answers 503 OVERLOADED (with Retry-After) instead of queueing. A bound
 * of 0 is off. Queued work only grows latency for everyone: past the bound, a fast refusal lets
 * the admitted requests finish within their SLO and the client retry elsewhere or later.
 */
export interface LoadSheddingLimits {
  /** Requests being handled at once (accepted, not yet answered). */
  maxInFlight: number;
  /** Mean event-loop delay over a sample interval, in ms (sampled by @fastify/under-pressure). */
  maxEventLoopDelayMs: number;
  /** Queries waiting for a database connection (the pool's queue). */
  maxDbWaiting: number;
  /** Seconds a refused client is told to wait (Retry-After). */
  retryAfterSeconds: number;
}

export interface LoadSheddingOptions extends LoadSheddingLimits {
  /** Queries waiting for a pool connection now (pg.Pool#waitingCount); absent: not checked. */
  dbWaiting?: () => number;
  /** Paths answered whatever the load (liveness, readiness), as declared on their routes. */
  exemptPaths?: readonly string[];
  /** Event-loop delay sample interval in ms (under-pressure's, default 1000). */
  sampleIntervalMs?: number;
}

/** Spread into an app's error-status table. */
export const LOAD_SHEDDING_ERROR_STATUS: ErrorStatusTable = { OVERLOADED: 503 };

export type PressureReason = 'inFlight' | 'dbWaiting' | 'eventLoopDelay';

export interface LoadShedder {
  /** Why a new request would be refused now, or undefined when it would be admitted. */
  pressure(): PressureReason | undefined;
  /** What the bounds are compared with, for a readiness answer and benchmarks. */
  snapshot(): {
    inFlight: number;
    dbWaiting: number;
    eventLoopDelayMs: number;
    /** Requests refused so far, by the bound that refused them. */
    shed: Record<PressureReason, number>;
  };
}

/**
 * Refuses requests in onRequest (before the body is read) once a bound is passed. The refusal is
 * an AppError('OVERLOADED'), so each scope's own error handler writes it in its shape (the REST
 * `{code, message}`, the spec routes' XmlMsg); Retry-After is set before it is thrown. Register it
 * before the routes.
 */
export async function registerLoadShedding(
  app: FastifyInstance,
  options: LoadSheddingOptions,
): Promise<LoadShedder> {
  const exempt = new Set(options.exemptPaths ?? []);
  const retryAfter = String(Math.max(1, options.retryAfterSeconds));
  let inFlight = 0;
  const shed: Record<PressureReason, number> = { inFlight: 0, dbWaiting: 0, eventLoopDelay: 0 };

  const refuse = (reply: FastifyReply, reason: PressureReason): AppError => {
    shed[reason] += 1;
    reply.header('retry-after', retryAfter);
    return new AppError('OVERLOADED', 'the service is overloaded; retry later', { reason });
  };

  // Event-loop delay is sampled and compared by the maintained plugin; its pressure handler runs
  // in its own onRequest hook and answers through ours (a rejected promise becomes the error).
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    sampleInterval: options.sampleIntervalMs ?? 1000,
    pressureHandler: async (request: FastifyRequest, reply: FastifyReply) => {
      if (exempt.has(request.routeOptions.url ?? '')) return;
      throw refuse(reply, 'eventLoopDelay');
    },
  });

  const eventLoopDelayMs = () => app.memoryUsage().eventLoopDelay;
  const dbWaiting = () => options.dbWaiting?.() ?? 0;
  const pressure = (): PressureReason | undefined => {
    if (options.maxInFlight > 0 && inFlight >= options.maxInFlight) return 'inFlight';
    if (options.maxDbWaiting > 0 && dbWaiting() >= options.maxDbWaiting) return 'dbWaiting';
    if (options.maxEventLoopDelayMs > 0 && eventLoopDelayMs() > options.maxEventLoopDelayMs)
      return 'eventLoopDelay';
    return undefined;
  };

  app.addHook('onRequest', async (request, reply) => {
    if (exempt.has(request.routeOptions.url ?? '')) return;
    // The event-loop check is under-pressure's hook; here the queues.
    const reason = pressure();
    if (reason === 'inFlight' || reason === 'dbWaiting') throw refuse(reply, reason);
    inFlight += 1;
    // 'close' comes once for every response, sent or aborted.
    reply.raw.once('close', () => {
      inFlight -= 1;
    });
  });

  return {
    pressure,
    snapshot: () => ({
      inFlight,
      dbWaiting: dbWaiting(),
      eventLoopDelayMs: eventLoopDelayMs(),
      shed: { ...shed },
    }),
  };
}
