import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorStatusTable } from './errors.js';

/**
 * Bounds past which an app answers 503 OVERLOADED (with Retry-After) instead of queueing. A bound
 * of 0 is off. Queued work only grows latency for everyone: past the bound, a fast refusal lets
 * the admitted requests finish within their SLO and the client retry elsewhere or later.
 */
export interface LoadSheddingLimits {
  /**
   * Requests being handled at once (accepted, not yet answered); with `targetLatencyMs` the most
   * the adaptive limit may reach.
   */
  maxInFlight: number;
  /**
   * Adaptive in-flight limit (0: off, the limit stays `maxInFlight`). By Little's law the time a
   * request spends in the app is what is in flight divided by the rate the app completes: a fixed
   * bound lets that time grow when the rate falls (a slow database, less CPU). Every 100 ms the
   * mean in-app time of the requests that finished is compared with this target: above it the
   * limit shrinks in proportion (at most by half, never below an eighth of `maxInFlight`); at or under it, while the limit
   * was reached, it grows by a tenth (AIMD, as TCP's congestion window and Netflix's
   * concurrency-limits do), from the floor at start. What is refused waits nowhere.
   */
  targetLatencyMs?: number;
  /**
   * Event-loop delay, in ms (the mean over the last sample interval, 1 s by default, sampled by
   * @fastify/under-pressure). Past it every new request is refused at the front door: a late
   * event loop means requests already wait in the socket buffers, where no counter sees them.
   */
  maxEventLoopDelayMs: number;
  /** Queries waiting for a database connection (the pool's queue). */
  maxDbWaiting: number;
  /** Seconds a refused client is told to wait (Retry-After). */
  retryAfterSeconds: number;
  /**
   * Sockets open at once (`server.maxConnections`): past it Node closes a new connection as it
   * accepts it, before any HTTP is read, the cheapest refusal there is.
   */
  maxConnections: number;
  /**
   * Send `Connection: close` with a refusal written at the front door (default true): the refused
   * client's socket is freed, at the cost of a new connection for its next request.
   */
  closeOnRefusal?: boolean;
}

export interface LoadSheddingOptions extends LoadSheddingLimits {
  /** Queries waiting for a pool connection now (pg.Pool#waitingCount); absent: not checked. */
  dbWaiting?: () => number;
  /** Paths answered whatever the load (liveness, readiness), as declared on their routes. */
  exemptPaths?: readonly string[];
  /** Event-loop delay sample interval in ms (under-pressure's; default 1000). */
  sampleIntervalMs?: number;
  /**
   * How long a refusal's pre-serialised answer is reused, in ms (default 1000). The first refusal
   * of each shape goes through the app's own error handler; its bytes are kept and sent as they
   * are to later refusals of that shape until they are this old (a spec answer carries the time).
   */
  refusalCacheMs?: number;
  /** Slowloris bound: ms to receive a request's headers (`server.headersTimeout`, default 10 s). */
  headersTimeoutMs?: number;
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
    /** The in-flight limit now (maxInFlight, or below it while the adaptive limit holds it). */
    limit: number;
    dbWaiting: number;
    eventLoopDelayMs: number;
    /** Open sockets (the front door's count, the one maxConnections bounds). */
    connections: number;
    /** Requests refused so far, by the bound that refused them. */
    shed: Record<PressureReason, number>;
    /** Of those, refused before routing with kept bytes (the rest went through the app once). */
    shedPreSerialised: number;
    /**
     * Process memory now, bytes: RSS (what the OS gave), the V8 heap in use / reserved, and of
     * the heap in use the young generation's share (short-lived objects, garbage until the next
     * scavenge) and compiled code's (kept: the paths a burst warmed stay compiled).
     */
    memory: {
      rss: number;
      heapUsed: number;
      heapTotal: number;
      heapYoung: number;
      heapCode: number;
    };
  };
}

/** Set on the raw request by the front door: counted in flight there. */
const ADMITTED = Symbol('shikaku.loadShedding.admitted');
/** Set on the raw request by the front door: refused, to be written by the app's error handler. */
const REFUSED = Symbol('shikaku.loadShedding.refused');
type MarkedRequest = IncomingMessage & {
  [ADMITTED]?: true;
  [REFUSED]?: { reason: PressureReason; shape: string | undefined };
};

interface KeptRefusal {
  at: number;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Refusal answers kept at most for this many shapes (a path segment × JSON or XML). */
const MAX_SHAPES = 32;

/**
 * The shape of an error answer, known before routing: the first path segment (a scope with its
 * own error handler, `/oqs-api-pro` or `/v1`) and whether the request is XML (the spec answers
 * in the form it was asked in).
 */
function shapeOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const end = url.indexOf('/', 1);
  const query = url.indexOf('?');
  const cut = end < 0 ? (query < 0 ? url.length : query) : query < 0 ? end : Math.min(end, query);
  const xml = /xml/i.test(request.headers['content-type'] ?? '');
  return `${url.slice(0, cut)}|${xml ? 'xml' : 'json'}`;
}

function pathOf(url: string | undefined): string {
  if (!url) return '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/**
 * Load shedding in two places:
 *
 * - **The front door**, in the HTTP server's `request` listener, before Fastify routes, builds a
 *   request object, runs hooks or logs: past a bound the request is answered there with bytes
 *   kept from an earlier refusal of the same shape (503 OVERLOADED + Retry-After, and
 *   `Connection: close` unless `closeOnRefusal` is false), at the cost of an HTTP parse and one write. Past `maxConnections` Node
 *   closes a new socket as it accepts it. Only when the server listens (not for `inject`).
 * - **onRequest**, for requests that did not come through the front door (`inject`) and to write
 *   the first refusal of each shape: an AppError('OVERLOADED'), so each scope's own error handler
 *   writes it in its shape (the REST `{code, message}`, the spec routes' XmlMsg).
 *
 * Register it before the routes. Exempt paths (liveness, readiness) are never refused.
 */
export async function registerLoadShedding(
  app: FastifyInstance,
  options: LoadSheddingOptions,
): Promise<LoadShedder> {
  const exempt = new Set(options.exemptPaths ?? []);
  const retryAfter = String(Math.max(1, options.retryAfterSeconds));
  const keepMs = options.refusalCacheMs ?? 1000;
  const close = options.closeOnRefusal ?? true;
  let inFlight = 0;
  let connections = 0;
  let shedPreSerialised = 0;
  const shed: Record<PressureReason, number> = { inFlight: 0, dbWaiting: 0, eventLoopDelay: 0 };
  const kept = new Map<string, KeptRefusal>();

  // Used as a sampler only (no max* option, so it adds no hook of its own): the mean event-loop
  // delay over each sample interval, read by pressure().
  await app.register(underPressure, { sampleInterval: options.sampleIntervalMs ?? 1000 });

  const eventLoopDelayMs = () => app.memoryUsage().eventLoopDelay;
  const dbWaiting = () => options.dbWaiting?.() ?? 0;
  const pressure = (): PressureReason | undefined => {
    if (options.maxInFlight > 0 && inFlight >= limit) return 'inFlight';
    if (options.maxDbWaiting > 0 && dbWaiting() >= options.maxDbWaiting) return 'dbWaiting';
    if (options.maxEventLoopDelayMs > 0 && eventLoopDelayMs() > options.maxEventLoopDelayMs)
      return 'eventLoopDelay';
    return undefined;
  };

  // The adaptive limit (see targetLatencyMs): one 100 ms window of finished requests at a time.
  const target = options.maxInFlight > 0 ? (options.targetLatencyMs ?? 0) : 0;
  // Below this, fewer requests in flight no longer shorten their time (it is the event loop's or
  // the database's own), they only cut what is served.
  const floor = Math.max(2, Math.ceil(options.maxInFlight / 8));
  // Adaptive: starts at the floor and grows while it is reached and the time stays under target
  // (a burst on a fresh process meets a small limit, not maxInFlight at once).
  let limit = target > 0 ? floor : options.maxInFlight;
  let windowStart = performance.now();
  let windowSum = 0;
  let windowCount = 0;
  let windowReached = false;
  const finished = (startedAt: number) => {
    const now = performance.now();
    windowSum += now - startedAt;
    windowCount += 1;
    if (now - windowStart < 100) return;
    const mean = windowSum / windowCount;
    if (mean > target) limit = Math.max(floor, Math.floor(limit * Math.max(0.5, target / mean)));
    else if (windowReached)
      limit = Math.min(options.maxInFlight, limit + Math.max(1, Math.round(limit / 10)));
    windowStart = now;
    windowSum = 0;
    windowCount = 0;
    windowReached = false;
  };

  const admit = (raw: MarkedRequest, res: ServerResponse) => {
    inFlight += 1;
    if (inFlight >= limit) windowReached = true;
    raw[ADMITTED] = true;
    const startedAt = target > 0 ? performance.now() : 0;
    // 'close' comes once for every response, sent or aborted.
    res.once('close', () => {
      inFlight -= 1;
      if (target > 0) finished(startedAt);
    });
  };

  // The front door. Fastify attached its handler to the server it created; ours runs first.
  const server = app.server;
  const handlers = server.listeners('request') as Array<
    (req: IncomingMessage, res: ServerResponse) => void
  >;
  if (handlers.length > 0) {
    if (options.maxConnections > 0) server.maxConnections = options.maxConnections;
    server.headersTimeout = options.headersTimeoutMs ?? 10_000;
    server.on('connection', (socket) => {
      connections += 1;
      socket.once('close', () => {
        connections -= 1;
      });
    });
    server.removeAllListeners('request');
    server.on('request', (req: MarkedRequest, res: ServerResponse) => {
      if (!exempt.has(pathOf(req.url))) {
        const reason = pressure();
        if (reason === undefined) admit(req, res);
        else {
          shed[reason] += 1;
          const shape = shapeOf(req);
          const refusal = kept.get(shape);
          if (refusal && performance.now() - refusal.at < keepMs) {
            shedPreSerialised += 1;
            res.writeHead(refusal.status, refusal.headers);
            res.end(refusal.body);
            return;
          }
          req[REFUSED] = {
            reason,
            shape: kept.size < MAX_SHAPES || kept.has(shape) ? shape : undefined,
          };
        }
      }
      for (const handler of handlers) handler.call(server, req, res);
    });
  }

  const refuse = (reply: FastifyReply, reason: PressureReason): AppError => {
    reply.header('retry-after', retryAfter);
    if (close && (reply.request.raw as MarkedRequest)[REFUSED]) reply.header('connection', 'close');
    return new AppError('OVERLOADED', 'the service is overloaded; retry later', { reason });
  };

  // Callback hooks, not async ones: every request passes both, and an async hook costs a promise
  // and a microtask turn each (Fastify catches a throw from either kind).
  app.addHook('onRequest', (request: FastifyRequest, reply, done) => {
    const raw = request.raw as MarkedRequest;
    if (raw[ADMITTED]) return done(); // admitted and counted at the front door
    const refused = raw[REFUSED];
    if (refused) throw refuse(reply, refused.reason); // counted at the front door
    if (exempt.has(request.routeOptions.url ?? '')) return done();
    const reason = pressure();
    if (reason) {
      shed[reason] += 1;
      throw refuse(reply, reason);
    }
    admit(raw, reply.raw);
    done();
  });

  // Keeps the bytes of a front-door refusal written by the app, for the next ones of its shape.
  app.addHook('onSend', (request, reply, payload, done) => {
    const refused = (request.raw as MarkedRequest)[REFUSED];
    if (!refused?.shape || reply.statusCode !== 503) return done(null, payload);
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return done(null, payload);
    const body = Buffer.from(payload);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(reply.getHeaders()))
      if (value !== undefined) headers[name] = String(value);
    headers['content-length'] = String(body.length);
    kept.set(refused.shape, { at: performance.now(), status: reply.statusCode, headers, body });
    done(null, payload);
  });

  return {
    pressure,
    snapshot: () => {
      const memory = process.memoryUsage();
      const spaces = v8.getHeapSpaceStatistics();
      const used = (name: string) =>
        spaces.find((space) => space.space_name === name)?.space_used_size ?? 0;
      return {
        inFlight,
        limit,
        dbWaiting: dbWaiting(),
        eventLoopDelayMs: eventLoopDelayMs(),
        connections,
        shed: { ...shed },
        shedPreSerialised,
        memory: {
          rss: memory.rss,
          heapUsed: memory.heapUsed,
          heapTotal: memory.heapTotal,
          heapYoung: used('new_space'),
          heapCode: used('code_space'),
        },
      };
    },
  };
}
