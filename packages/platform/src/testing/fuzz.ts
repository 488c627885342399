// The shared fuzz harness: every route an app declared (recorded by registerInputGuards, so a new
// route is fuzzed without a change here) gets seeded, generated bad input through app.inject(),
// and each answer must be below 500, carry a stable code when it is a 4xx, and store nothing when
// it is a rejection. CI runs FUZZ_RUNS_CI cases per route; `pnpm --filter <app> fuzz -- --runs N`
// runs N.
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { type DeclaredRoute, declaredRoutes } from '../input-guards.js';
import { FUZZ_RUNS, FUZZ_SEED } from './config.js';

export { FUZZ_SEED };

/** A fuzz test's own time limit: 2,000 cases on every route of the portal take minutes. */
export const FUZZ_TIMEOUT_MS = 3_600_000;

/** Cases per route: FUZZ_RUNS (the fuzz script sets it), else the CI default given. */
export function fuzzRuns(ciDefault: number): number {
  return FUZZ_RUNS ?? ciDefault;
}

type Json = unknown;

/** Text values that have reached PostgreSQL or a parser and failed there. */
export const BAD_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '2021-02-30',
  '2021-13-01',
  '0000-01-01',
  '00000101',
  '20210230',
  '20211301',
  '9999-99-99',
  '-0001-01-01',
  '99999999999999999999',
  '9223372036854775808',
  '2147483648',
  '-1',
  '0',
  '1e309',
  'NaN',
  'Infinity',
  '0x1f',
  '__proto__',
  'constructor',
  "'; drop table x; --",
  '../../etc/passwd',
  '<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>',
  '"',
  'a,"b',
  '{"a":1}',
  'ｼｶｸ ﾀﾛｳ',
  '😀',
  'x'.repeat(5000),
];

/** Values that look right, so generated requests also get past the first check. */
export const PLAUSIBLE_STRINGS: readonly string[] = [
  '2021-04-01',
  '1989-09-13',
  '20210401',
  '19890913',
  '01130012',
  '138057',
  '0110113719',
  '123456789018',
  '1234',
  '00',
  '01',
  '1',
  '2',
  'シカク ハナコ',
  '資格 花子',
  'abc',
];

const BAD_NUMBERS: readonly number[] = [
  -1,
  0,
  1.5,
  2 ** 31,
  2 ** 53,
  2 ** 63,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
];

export const badString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...BAD_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...PLAUSIBLE_STRINGS), fc.constantFrom('\u0000', '\ud800', '\udc00'))
      .map(([a, b]) => a + b),
  },
);

export const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: badString },
  { weight: 2, arbitrary: fc.constantFrom(...PLAUSIBLE_STRINGS) },
);

/** A value of any JSON type, weighted to what has broken things. */
export const badValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 6, arbitrary: anyString },
  { weight: 2, arbitrary: fc.constantFrom(...BAD_NUMBERS) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { a: '\u0000' }) },
  { weight: 1, arbitrary: protoObject(fc.constant({ polluted: true })) },
);

/** An object with an own `__proto__` key (as JSON.parse would make it). */
function protoObject(inner: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return inner.map((value) => {
    const object: Record<string, unknown> = {};
    Object.defineProperty(object, '__proto__', { value, enumerable: true, writable: true });
    return object;
  });
}

interface JsonSchemaLike {
  type?: string | string[];
  properties?: Record<string, JsonSchemaLike>;
  items?: JsonSchemaLike;
  anyOf?: JsonSchemaLike[];
  oneOf?: JsonSchemaLike[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
}

/** A value for a schema: usually of its shape, often with a bad value somewhere inside. */
export function valueFor(schema: JsonSchemaLike | undefined, depth = 0): fc.Arbitrary<Json> {
  if (!schema || depth > 4) return badValue;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants && variants.length > 0)
    return fc.oneof(...variants.map((variant) => valueFor(variant, depth + 1)));
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const shaped: Array<fc.Arbitrary<Json>> = [];
  if (schema.enum && schema.enum.length > 0) shaped.push(fc.constantFrom(...schema.enum));
  if (schema.const !== undefined) shaped.push(fc.constant(schema.const));
  if (types.includes('object') || schema.properties) {
    const properties = Object.entries(schema.properties ?? {});
    const record = fc.record(
      Object.fromEntries(properties.map(([key, property]) => [key, valueFor(property, depth + 1)])),
      { requiredKeys: [] },
    ) as fc.Arbitrary<Json>;
    shaped.push(record, protoObject(record));
  }
  if (types.includes('array'))
    shaped.push(fc.array(valueFor(schema.items, depth + 1), { maxLength: 3 }));
  if (types.includes('string')) {
    shaped.push(
      schema.format === 'date'
        ? fc.constantFrom('2021-04-01', '2021-02-30', '0000-01-01', '2021-13-01', '10000-01-01')
        : anyString,
    );
  }
  if (types.includes('integer') || types.includes('number'))
    shaped.push(fc.oneof(fc.constantFrom(...BAD_NUMBERS), fc.integer({ min: -5, max: 5 })));
  if (types.includes('boolean')) shaped.push(fc.boolean());
  if (types.includes('null')) shaped.push(fc.constant(null));
  if (shaped.length === 0) return badValue;
  return fc.oneof(
    { weight: 4, arbitrary: fc.oneof(...shaped) },
    { weight: 1, arbitrary: badValue },
  );
}

/** Percent-encoding that also writes a lone surrogate (as the WTF-8 bytes a client could send). */
export function encodeComponent(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(char);
  }
  return out;
}

export type BodyEncoding = 'json' | 'form' | 'raw';

export interface FuzzRequestOptions {
  /** Field names to try where the route declares none (form fields, for instance). */
  vocabulary?: readonly string[];
  /** Path parameter values that exist (a reader's name, a seeded id), to get past the lookup. */
  paramValues?: readonly string[];
  /** How bodies are sent; JSON unless the route says otherwise. */
  encoding?: (route: DeclaredRoute) => BodyEncoding;
  /** Extra raw bodies for a route (XML, CSV, …), sent with their content type. */
  rawBodies?: (route: DeclaredRoute) => fc.Arbitrary<{ contentType: string; body: string }> | null;
}

function queryString(entries: Array<[string, string | string[]]>): string {
  const parts: string[] = [];
  for (const [key, value] of entries)
    for (const one of Array.isArray(value) ? value : [value])
      parts.push(`${encodeComponent(key)}=${encodeComponent(one)}`);
  return parts.join('&');
}

/** Generated requests for one route (without headers: the caller adds authentication). */
export function requestsFor(
  route: DeclaredRoute,
  options: FuzzRequestOptions = {},
): fc.Arbitrary<InjectOptions> {
  const vocabulary = options.vocabulary ?? [];
  const schema = route.schema ?? {};
  const paramNames = [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  const param = fc.oneof(
    anyString,
    fc.constantFrom('1', '2147483648', '9223372036854775808', '-1', '1.5', '0'),
    fc.constantFrom(...(options.paramValues ?? ['1'])),
  );
  const params = fc.tuple(...paramNames.map(() => param));
  const querySchema = schema.querystring as JsonSchemaLike | undefined;
  const queryKeys = [...Object.keys(querySchema?.properties ?? {}), ...vocabulary, 'next'];
  const queryValue = fc.oneof(
    { weight: 4, arbitrary: anyString },
    { weight: 1, arbitrary: fc.array(anyString, { minLength: 2, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom('99999999999999999999', '2147483648', '-1', '1.5') },
  );
  const query = fc.array(fc.tuple(fc.constantFrom(...queryKeys), queryValue), { maxLength: 4 });
  const hasBody = !['GET', 'HEAD', 'OPTIONS'].includes(route.method);
  const encoding = options.encoding?.(route) ?? 'json';
  const bodySchema = schema.body as JsonSchemaLike | undefined;
  const declaredBody = bodySchema?.properties && Object.keys(bodySchema.properties).length > 0;
  const fromVocabulary = fc.dictionary(
    fc.constantFrom(...(vocabulary.length > 0 ? vocabulary : ['value'])),
    encoding === 'form'
      ? fc.oneof(
          { weight: 4, arbitrary: anyString },
          { weight: 1, arbitrary: fc.array(anyString, { minLength: 2, maxLength: 2 }) },
        )
      : badValue,
    { maxKeys: 5 },
  );
  const structured = declaredBody
    ? fc.oneof({ weight: 5, arbitrary: valueFor(bodySchema) }, { weight: 1, arbitrary: badValue })
    : fc.oneof({ weight: 3, arbitrary: fromVocabulary }, { weight: 1, arbitrary: badValue });
  const raw = options.rawBodies?.(route) ?? null;
  const body: fc.Arbitrary<{ contentType: string; payload: string } | null> = !hasBody
    ? fc.constant(null)
    : fc.oneof(
        {
          weight: 4,
          arbitrary: structured.map((value) =>
            encoding === 'form' && typeof value === 'object' && value !== null
              ? {
                  contentType: 'application/x-www-form-urlencoded',
                  payload: queryString(
                    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
                      k,
                      Array.isArray(v) ? v.map(String) : String(v),
                    ]),
                  ),
                }
              : { contentType: 'application/json', payload: JSON.stringify(value) ?? 'null' },
          ),
        },
        {
          weight: raw ? 3 : 1,
          arbitrary:
            raw?.map((r) => ({ contentType: r.contentType, payload: r.body })) ??
            fc.constantFrom(
              { contentType: 'application/json', payload: '{"a":' },
              { contentType: 'application/json', payload: '{"__proto__":{"x":1}}' },
              { contentType: 'application/json', payload: '{"constructor":{"prototype":{}}}' },
              { contentType: 'application/xml', payload: '<!DOCTYPE a [<!ENTITY b "c">]><a/>' },
              { contentType: 'text/plain', payload: 'a\u0000b' },
            ),
        },
      );
  return fc.tuple(params, query, body).map(([values, entries, sent]) => {
    let url = route.url;
    paramNames.forEach((name, i) => {
      url = url.replace(`:${name}`, encodeComponent(values[i] ?? '') || 'x');
    });
    url = url.replace('*', 'x');
    const search = queryString(entries);
    const request: InjectOptions = {
      method: route.method as InjectOptions['method'],
      url: search ? `${url}?${search}` : url,
      headers: sent ? { 'content-type': sent.contentType } : {},
    };
    if (sent) request.payload = sent.payload;
    return request;
  });
}

/**
 * The stable code of an error answer, whatever its form: `{code}` JSON, the spec XmlMsg's
 * ErrorCode / ProcessingResultCode (JSON or XML), a FHIR OperationOutcome's issue code, or the
 * portal's HTML error page (コード: X).
 */
export function errorCodeOf(body: string): string | null {
  const CODE = /^[A-Z][A-Z0-9_]+$/;
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    if (typeof json.code === 'string' && CODE.test(json.code)) return json.code;
    const header = (json.XmlMsg as { MessageHeader?: { ErrorCode?: unknown } } | undefined)
      ?.MessageHeader;
    if (typeof header?.ErrorCode === 'string' && header.ErrorCode !== '') return header.ErrorCode;
    // A FHIR OperationOutcome carries it as the first issue's details code.
    const issue = (json.issue as Array<{ details?: { coding?: Array<{ code?: unknown }> } }>)?.[0];
    const fhir = json.resourceType === 'OperationOutcome' && issue?.details?.coding?.[0]?.code;
    if (typeof fhir === 'string' && CODE.test(fhir)) return fhir;
  } catch {
    // not JSON
  }
  const xml = /<ErrorCode>([^<]+)<\/ErrorCode>/.exec(body);
  if (xml?.[1]) return xml[1];
  const page = /コード: ([A-Z][A-Z0-9_]+)/.exec(body);
  return page?.[1] ?? null;
}

export interface FuzzOptions extends FuzzRequestOptions {
  runs: number;
  seed?: number;
  /** Headers for a route (authentication); called per case. */
  headers?: (route: DeclaredRoute) => Record<string, string> | Promise<Record<string, string>>;
  /** A snapshot of what is stored (row counts); equal before and after a rejected request. */
  stored?: () => Promise<unknown>;
  /** Routes not to fuzz (the swagger UI's static files). */
  skip?: (route: DeclaredRoute) => boolean;
}

export interface FuzzFailure {
  route: string;
  request: InjectOptions;
  status: number;
  problem: string;
  body: string;
}

/** The routes to fuzz: every declared route but HEAD (Fastify's twin of each GET) and skipped. */
export function fuzzTargets(app: FastifyInstance, skip?: FuzzOptions['skip']): DeclaredRoute[] {
  return declaredRoutes(app).filter(
    (route) =>
      route.method !== 'HEAD' && !route.url.startsWith('/docs') && !(skip?.(route) ?? false),
  );
}

/**
 * Fuzzes one route. Answers the first failing case (shrunk by fast-check) or null, and the
 * number of cases run.
 */
export async function fuzzRoute(
  app: FastifyInstance,
  route: DeclaredRoute,
  options: FuzzOptions,
): Promise<{ cases: number; failure: FuzzFailure | null }> {
  let cases = 0;
  let failure: FuzzFailure | null = null;
  // One snapshot per case: what the previous case left is this case's "before".
  let last = options.stored ? JSON.stringify(await options.stored()) : '';
  const property = fc.asyncProperty(requestsFor(route, options), async (request) => {
    cases++;
    const headers = { ...(await options.headers?.(route)), ...(request.headers as object) };
    const before = last;
    const response = await app.inject({ ...request, headers });
    if (options.stored) last = JSON.stringify(await options.stored());
    const fail = (problem: string) => {
      failure = {
        route: `${route.method} ${route.url}`,
        request,
        status: response.statusCode,
        problem,
        body: response.body.slice(0, 500),
      };
      return false;
    };
    if (response.statusCode >= 500) return fail('5xx');
    if (response.statusCode >= 400) {
      if (!errorCodeOf(response.body)) return fail('4xx without a stable code');
      if (options.stored && last !== before)
        return fail(`a rejected request stored something: ${before} → ${last}`);
    }
    return true;
  });
  const result = await fc.check(property, {
    numRuns: options.runs,
    seed: options.seed ?? FUZZ_SEED,
    endOnFailure: true,
  });
  return { cases, failure: result.failed ? failure : null };
}
