import type { FastifyError, FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { described } from './openapi.js';

/**
 * An expected failure with a stable code. Route code throws it (or maps a core outcome to it);
 * the error handler turns the code into an HTTP status through the app's one table.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: { field?: string; line?: number; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Stable error code → HTTP status, one table per app. */
export type ErrorStatusTable = Readonly<Record<string, number>>;

/** Codes every app shares. */
export const COMMON_ERROR_STATUS: ErrorStatusTable = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  UPSTREAM_UNAVAILABLE: 503,
  INTERNAL: 500,
};

export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  line?: number;
  [key: string]: unknown;
}

/**
 * The response schema of every error body `registerErrorHandler` sends, for routes to declare per
 * status code (OpenAPI documents it; extra details such as a bulk file's `errors` pass through).
 */
export const ErrorBodySchema = Type.Object(
  {
    code: Type.String({ description: 'stable error code' }),
    message: Type.String(),
    field: Type.Optional(Type.String({ description: 'the offending field' })),
    line: Type.Optional(Type.Integer({ description: 'line of a bulk file' })),
    reason: Type.Optional(Type.String({ description: 'why the value was refused, a stable word' })),
  },
  { additionalProperties: true },
);

/** Maps any thrown value to (status, body). Pure, so it is tested without a server. */
export function toErrorResponse(
  error: unknown,
  table: ErrorStatusTable,
): { status: number; body: ErrorBody } {
  if (error instanceof AppError) {
    const status = table[error.code] ?? COMMON_ERROR_STATUS[error.code] ?? 400;
    return { status, body: { code: error.code, message: error.message, ...error.details } };
  }
  const fastifyError = error as Partial<FastifyError> & { validation?: unknown[] };
  if (fastifyError.validation) {
    const first = fastifyError.validation[0] as
      | {
          instancePath?: string;
          keyword?: string;
          params?: { missingProperty?: string; reason?: string; format?: string };
        }
      | undefined;
    const path = first?.instancePath?.replace(/^\//, '').replaceAll('/', '.');
    const field = first?.params?.missingProperty
      ? [path, first.params.missingProperty].filter(Boolean).join('.')
      : path;
    // Why, as a stable word: the input guards' reason (NUL, REPEATED, …) or the schema keyword
    // that failed (FORMAT, MAXIMUM, REQUIRED, TYPE, …).
    const reason = first?.params?.reason ?? first?.keyword?.toUpperCase();
    return {
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        message: fastifyError.message ?? 'invalid request',
        ...(field ? { field } : {}),
        ...(reason ? { reason } : {}),
      },
    };
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    const code =
      status === 413
        ? 'PAYLOAD_TOO_LARGE'
        : status === 415
          ? 'UNSUPPORTED_MEDIA_TYPE'
          : status === 404
            ? 'NOT_FOUND'
            : status === 429
              ? 'RATE_LIMITED'
              : 'VALIDATION_FAILED';
    return { status, body: { code, message: fastifyError.message ?? 'bad request' } };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'internal error' } };
}

/**
 * Seconds a client is told to wait after a 429 when the sender set no Retry-After: the rate limits
 * are per-second token buckets, so one second always brings a token back.
 */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

/**
 * One error handler: logs `{ err, reqId }` on 5xx, answers `{ code, message }`, no internals.
 * Every 429 of the app carries Retry-After, whichever route or handler sent it (the spec search
 * answers its own errors).
 */
export function registerErrorHandler(app: FastifyInstance, table: ErrorStatusTable): void {
  describeErrorResponses(app, table);
  // A callback hook: every answer passes it, and an async one costs a promise and a microtask.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (reply.statusCode === 429 && !reply.hasHeader('retry-after'))
      reply.header('retry-after', String(DEFAULT_RETRY_AFTER_SECONDS));
    done(null, payload);
  });
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorResponse(error, table);
    if (status >= 500) request.log.error({ err: error, reqId: request.id }, 'request failed');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      code: 'NOT_FOUND',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
    }),
  );
}

const STATUS_MEANING: Readonly<Record<number, string>> = {
  400: 'Bad input: a stable code, the field and the reason',
  401: 'Missing or wrong credentials',
  403: 'Not allowed for this caller',
  404: 'Not found',
  409: 'Not possible in the current state',
  413: 'Body too large',
  415: 'Unsupported content type',
  422: 'Refused by a rule',
  429: 'Too many requests (Retry-After)',
  503: 'Unavailable or overloaded (Retry-After)',
};

/** What an error status means in an app: its meaning and the app's codes that answer with it. */
export function errorStatusDescription(status: number, table: ErrorStatusTable): string {
  const all: ErrorStatusTable = { ...COMMON_ERROR_STATUS, ...table };
  return describeStatus(
    status,
    Object.keys(all).filter((code) => all[code] === status),
  );
}

/**
 * An error response naming exactly the codes a route answers with `status`, where the app's table
 * holds codes of that status that only some routes answer (one route's own rate limit, say).
 */
export function errorResponseWithCodes(status: number, codes: readonly string[]) {
  return described(ErrorBodySchema, describeStatus(status, codes));
}

function describeStatus(status: number, codes: readonly string[]): string {
  const meaning = STATUS_MEANING[status] ?? 'Error';
  return codes.length > 0 ? `${meaning} (${codes.join(', ')})` : meaning;
}

/**
 * Describes every error response (4xx, 5xx) a route declares without a description, from the
 * app's error table. Only the `description` annotation is added, on a copy, so serialisation
 * is unchanged. Register before the routes.
 */
export function describeErrorResponses(app: FastifyInstance, table: ErrorStatusTable): void {
  app.addHook('onRoute', (route) => {
    const response = route.schema?.response as Record<string, unknown> | undefined;
    if (!route.schema || !response) return;
    let changed = false;
    const next: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(response)) {
      const code = Number(status);
      const needs =
        code >= 400 &&
        typeof schema === 'object' &&
        schema !== null &&
        !('description' in schema && (schema as { description?: unknown }).description);
      next[status] = needs ? described(schema, errorStatusDescription(code, table)) : schema;
      changed ||= needs;
    }
    if (changed) route.schema = { ...route.schema, response: next };
  });
}
