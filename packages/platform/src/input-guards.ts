// What every app checks at the edge before a value can reach PostgreSQL: real calendar dates
// (an ajv format, so the route schemas that document the API are the ones that enforce it), text
// that PostgreSQL can store (no NUL, no unpaired surrogate) in every string of the body, query and
// params, and a query parameter given once. A rejection is VALIDATION_FAILED with field and reason.
import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';
import { isIsoDate } from '@shikaku/core/dates';

/** The largest value of a PostgreSQL `integer` (int4) column. */
export const INT4_MAX = 2_147_483_647;
/**
 * The largest `bigint` id or cursor the apps accept: the largest integer a JavaScript number holds
 * exactly (a bigint column holds more, but no id of ours gets there).
 */
export const BIGINT_MAX = Number.MAX_SAFE_INTEGER;

/** `YYYYMMDD` that is a real calendar date (years 1000–9999), as the OQS messages write dates. */
export function isCompactDate(s: string): boolean {
  return /^\d{8}$/.test(s) && isIsoDate(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`);
}

/**
 * ajv options for `Fastify({ ajv })`: `format: 'date'` is a real calendar date in YYYY-MM-DD with a
 * year from 1000 to 9999 (ajv-formats' own accepts 0000-01-01, which PostgreSQL refuses), and
 * `format: 'compact-date'` the same as YYYYMMDD.
 */
export const AJV_OPTIONS = {
  onCreate(ajv: { addFormat(name: string, format: (value: string) => boolean): unknown }) {
    ajv.addFormat('date', isIsoDate);
    ajv.addFormat('compact-date', isCompactDate);
  },
} as unknown as NonNullable<FastifyServerOptions['ajv']>;

export type TextProblem = 'NUL' | 'UNPAIRED_SURROGATE';

/** Why PostgreSQL could not store `s` as text (NUL, or a UTF-16 half without its pair), or null. */
export function textProblem(s: string): TextProblem | null {
  if (s.includes('\u0000')) return 'NUL';
  // isWellFormed (Node 20) is the fast path; the loop is its fallback.
  const wellFormed = (s as { isWellFormed?: () => boolean }).isWellFormed;
  if (wellFormed) return wellFormed.call(s) ? null : 'UNPAIRED_SURROGATE';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return 'UNPAIRED_SURROGATE';
    } else if (c >= 0xdc00 && c <= 0xdfff) return 'UNPAIRED_SURROGATE';
  }
  return null;
}

export interface InputProblem {
  part: 'body' | 'query' | 'params';
  /** Dotted path of the value in its part (`items.3.birthDate`); '' for the part itself. */
  field: string;
  reason: TextProblem | 'REPEATED' | 'TOO_DEEP' | 'NOT_FINITE';
}

const MAX_DEPTH = 64;

/** The first string (or key) in a parsed JSON-like value that PostgreSQL could not store. */
export function findTextProblem(
  value: unknown,
  path = '',
  depth = 0,
): Omit<InputProblem, 'part'> | null {
  if (typeof value === 'string') {
    const reason = textProblem(value);
    return reason ? { field: path, reason } : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  if (depth > MAX_DEPTH) return { field: path, reason: 'TOO_DEEP' };
  if (ArrayBuffer.isView(value)) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findTextProblem(value[i], join(path, String(i)), depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  if (typeof (value as { pipe?: unknown }).pipe === 'function') return null; // a stream body
  // A multipart part (@fastify/multipart attaches the parts to the body and each part points
  // back at all of them): its value, or a file's name, is what reaches the handler.
  const part = value as {
    fieldname?: unknown;
    type?: unknown;
    value?: unknown;
    filename?: unknown;
  };
  if (typeof part.fieldname === 'string' && (part.type === 'field' || part.type === 'file'))
    return findTextProblem(part.type === 'field' ? part.value : part.filename, path, depth + 1);
  for (const key of Object.keys(value)) {
    const keyReason = textProblem(key);
    if (keyReason) return { field: path, reason: keyReason };
    const problem = findTextProblem(
      (value as Record<string, unknown>)[key],
      join(path, key),
      depth + 1,
    );
    if (problem) return problem;
  }
  return null;
}

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

/**
 * The first number that is not finite (JSON's 1e309, or a query's `Infinity` that schema
 * coercion made a number and ajv's integer and maximum checks let through).
 */
export function findNonFinite(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return null;
  if (ArrayBuffer.isView(value) || typeof (value as { pipe?: unknown }).pipe === 'function')
    return null;
  if (typeof (value as { fieldname?: unknown }).fieldname === 'string') return null; // multipart
  for (const [key, inner] of Object.entries(value)) {
    if (typeof inner !== 'number' && (typeof inner !== 'object' || inner === null)) continue;
    const found = findNonFinite(inner, join(path, key), depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** The routes' declared query properties that may be repeated (`type: 'array'`). */
function arrayQueryKeys(request: FastifyRequest): Set<string> {
  const schema = request.routeOptions.schema?.querystring as
    { properties?: Record<string, { type?: unknown }> } | undefined;
  const keys = new Set<string>();
  for (const [key, property] of Object.entries(schema?.properties ?? {})) {
    const type = property.type;
    if (type === 'array' || (Array.isArray(type) && type.includes('array'))) keys.add(key);
  }
  return keys;
}

/** The first problem of a request's query, params and parsed body, or null. */
export function findInputProblem(request: FastifyRequest): InputProblem | null {
  const query = request.query as Record<string, unknown> | undefined;
  if (query && typeof query === 'object') {
    let repeatable: Set<string> | undefined;
    for (const [key, value] of Object.entries(query)) {
      if (!Array.isArray(value)) continue;
      repeatable ??= arrayQueryKeys(request);
      if (!repeatable.has(key)) return { part: 'query', field: key, reason: 'REPEATED' };
    }
  }
  for (const part of ['query', 'params', 'body'] as const) {
    const problem = findTextProblem(request[part]);
    if (problem) return { part, ...problem };
  }
  return null;
}

const MESSAGES: Record<InputProblem['reason'], string> = {
  NUL: 'contains a NUL character',
  UNPAIRED_SURROGATE: 'contains an unpaired UTF-16 surrogate (not text)',
  REPEATED: 'is given more than once',
  TOO_DEEP: 'is nested too deeply',
  NOT_FINITE: 'is not a finite number',
};

/**
 * The error a rejected input is thrown as: shaped like a Fastify schema validation error, so
 * every error handler (the apps' one, the spec routes' own) answers it as VALIDATION_FAILED 400.
 */
export class InputRejected extends Error {
  readonly statusCode = 400;
  readonly code = 'FST_ERR_VALIDATION';
  readonly validation: Array<{ instancePath: string; params: { reason: string } }>;
  constructor(readonly problem: InputProblem) {
    super(`${[problem.part, problem.field].filter(Boolean).join('.')} ${MESSAGES[problem.reason]}`);
    this.name = 'InputRejected';
    this.validation = [
      {
        instancePath: problem.field === '' ? '' : `/${problem.field.split('.').join('/')}`,
        params: { reason: problem.reason },
      },
    ];
  }
}

/**
 * Call right after `Fastify()`, before any plugin or route. Rejects, before schema validation and
 * before any handler, a request whose query, params or
 * parsed body holds text PostgreSQL cannot store or a query parameter given twice. Registered
 * on the root instance before the routes, so it covers every route of the app.
 */
export interface InputGuardOptions {
  /**
   * Path parameters that are serial ids, and their column's largest value (INT4_MAX for an
   * `integer` column): anything else (`2147483648`, `1.5`, `abc`) names no row and answers 404
   * NOT_FOUND before a handler could hand it to PostgreSQL.
   */
  serialIds?: { params: readonly string[]; max: number };
}

/** Whether every serial-id path parameter is a decimal integer from 1 to `max`. */
export function serialIdsInRange(
  params: unknown,
  serialIds: NonNullable<InputGuardOptions['serialIds']>,
): boolean {
  if (typeof params !== 'object' || params === null) return true;
  for (const name of serialIds.params) {
    const value = (params as Record<string, unknown>)[name];
    if (value === undefined) continue;
    if (
      typeof value !== 'string' ||
      !/^[1-9]\d{0,15}$/.test(value) ||
      Number(value) > serialIds.max
    )
      return false;
  }
  return true;
}

const PARTS = ['query', 'params', 'body'] as const;

export function registerInputGuards(app: FastifyInstance, options: InputGuardOptions = {}): void {
  const routes: DeclaredRoute[] = [];
  declared.set(app, routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods)
      routes.push({ method, url: route.url, schema: route.schema as DeclaredRoute['schema'] });
  });
  const { serialIds } = options;
  // Callback hooks, not async ones: every request passes them, and an async hook costs a promise
  // and a microtask turn each (Fastify catches a throw from either kind).
  app.addHook('preValidation', (request, _reply, done) => {
    const problem = findInputProblem(request);
    if (problem) throw new InputRejected(problem);
    if (serialIds && !serialIdsInRange(request.params, serialIds))
      throw Object.assign(new Error('no such id'), { statusCode: 404 });
    done();
  });
  app.addHook('preHandler', (request, _reply, done) => {
    for (const part of PARTS) {
      const field = findNonFinite(request[part]);
      if (field !== null) throw new InputRejected({ part, field, reason: 'NOT_FINITE' });
    }
    done();
  });
}

/** A route as the app declared it: what the fuzz suite enumerates (new routes included). */
export interface DeclaredRoute {
  method: string;
  url: string;
  schema?: { body?: unknown; querystring?: unknown; params?: unknown; hide?: boolean };
}

const declared = new WeakMap<FastifyInstance, DeclaredRoute[]>();

/** Every route declared on `app` after registerInputGuards (one entry per method). */
export function declaredRoutes(app: FastifyInstance): DeclaredRoute[] {
  return declared.get(app) ?? [];
}
