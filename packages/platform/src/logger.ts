import { pino, type Logger, type LoggerOptions, stdSerializers } from 'pino';

/**
 * Personal data is redacted from every log line, synthetic or not. Keys are matched at the top
 * level and one or two levels down (request bodies, results); add a key here rather than
 * formatting personal data into a message.
 */
export const REDACTED_KEYS = [
  'myNumber',
  'my_number',
  'MyNumber',
  'individualNumber',
  'name',
  'nameKana',
  'kanaName',
  'kanjiName',
  'Name',
  'NameKana',
  'birthDate',
  'birthdate',
  'birth_date',
  'Birthdate',
  'address',
  'Address',
  'password',
  'pin',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'authorization',
  'cookie',
  'secret',
  // SQL parameters a database driver error carries (card numbers, birth dates).
  'params',
  'parameters',
  // PostgreSQL error details quote row values ("Key (…)=(…) already exists"); `where` names the
  // COPY line and column with the rejected value; `internalQuery` / `hint` may quote input.
  'detail',
  'where',
  'internalQuery',
  'hint',
] as const;

// The top-level `name` is pino's logger name, so `name` is redacted only below the top level.
export const REDACT_PATHS = REDACTED_KEYS.flatMap((key) =>
  key === 'name' ? [`*.${key}`, `*.*.${key}`] : [key, `*.${key}`, `*.*.${key}`],
);

export interface CreateLoggerOptions {
  name: string;
  level?: string;
  /** Where lines go; stdout when absent. Tests pass a stream to inspect what was logged. */
  destination?: NodeJS.WritableStream;
}

interface RequestLike {
  method: string;
  url: string;
  id: string;
  routeOptions?: { url?: string };
}

/**
 * The URL as it may be logged. Paths and query strings can carry personal data
 * (`/v1/residents/<My Number>`, a card number, a birth date): log the route pattern when the
 * request matched one, else the path with long digit runs masked, and never the query string.
 */
export function loggableUrl(req: RequestLike): string {
  const route = req.routeOptions?.url;
  if (route) return route;
  return (req.url.split('?')[0] ?? '').replace(/\d{6,}/g, '[digits]');
}

/** A PostgreSQL error (pg or PGlite): a severity and a five-character SQLSTATE. */
function isDatabaseError(error: Record<string, unknown>): boolean {
  return (
    typeof error.severity === 'string' &&
    typeof error.code === 'string' &&
    /^[0-9A-Z]{5}$/.test(error.code)
  );
}

/**
 * Error text as it may be logged. PostgreSQL quotes the rejected value in its message
 * (`invalid input syntax for type date: "2021-02-30"`), which can be a name, an address or a My
 * Number typed into the wrong field: a database error's quoted values are masked. In any error,
 * long digit runs (a My Number, a card number) are masked.
 */
export function loggableErrorText(text: string, fromDatabase: boolean): string {
  const masked = fromDatabase ? text.replace(/: "(?:[^"]|"")*"/g, ': "[value]"') : text;
  return masked.replace(/[0-9０-９]{6,}/g, '[digits]');
}

/**
 * An error's code and message, masked as the `err` serializer masks them, without its stack or
 * other properties (a driver's error carries its statement's whole text): for a line that may
 * come often, where the kind of failure is what matters (`{ err: errorSummary(error) }`).
 */
export function errorSummary(error: unknown): { code?: string; message: string } {
  if (!(error instanceof Error)) return { message: loggableErrorText(String(error), false) };
  const { code } = error as { code?: unknown };
  const fromDatabase = isDatabaseError(error as unknown as Record<string, unknown>);
  return {
    ...(typeof code === 'string' ? { code } : {}),
    message: loggableErrorText(error.message, fromDatabase),
  };
}

function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const serialized = stdSerializers.err(error) as unknown as Record<string, unknown>;
  const fromDatabase = isDatabaseError(error as unknown as Record<string, unknown>);
  for (const key of ['message', 'stack'] as const) {
    const value = serialized[key];
    if (typeof value === 'string') serialized[key] = loggableErrorText(value, fromDatabase);
  }
  return serialized;
}

export function loggerOptions(name: string, level = 'info'): LoggerOptions {
  return {
    name,
    level,
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    serializers: {
      req: (req: RequestLike) => ({ method: req.method, url: loggableUrl(req), id: req.id }),
      err: serializeError,
    },
  };
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const opts = loggerOptions(options.name, options.level);
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

export type { Logger };
