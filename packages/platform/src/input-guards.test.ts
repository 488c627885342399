import Fastify, { type FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandler } from './errors.js';
import {
  AJV_OPTIONS,
  BIGINT_MAX,
  declaredRoutes,
  isCompactDate,
  INT4_MAX,
  registerInputGuards,
  serialIdsInRange,
  textProblem,
} from './input-guards.js';

describe('serialIdsInRange', () => {
  const serialIds = { params: ['id'], max: INT4_MAX };
  it.each([
    [{ id: '1' }, true],
    [{ id: '2147483647' }, true],
    [{ id: '2147483648' }, false],
    [{ id: '0' }, false],
    [{ id: '1.5' }, false],
    [{ id: '01' }, false],
    [{ id: 'abc' }, false],
    [{ clientId: 'client-1' }, true],
  ])('%j → %s', (params, ok) => {
    expect(serialIdsInRange(params, serialIds)).toBe(ok);
  });
});

describe('textProblem', () => {
  it.each([
    ['plain', null],
    ['シカク 😀', null],
    ['a\u0000b', 'NUL'],
    ['\ud800', 'UNPAIRED_SURROGATE'],
    ['x\udfffy', 'UNPAIRED_SURROGATE'],
    ['\ud83d\ude00\ud83d', 'UNPAIRED_SURROGATE'],
  ])('%j → %s', (text, problem) => {
    expect(textProblem(text)).toBe(problem);
  });
});

describe('isCompactDate', () => {
  it.each([
    ['20210401', true],
    ['20240229', true],
    ['20210229', false],
    ['20211301', false],
    ['00000101', false],
    ['2021041', false],
  ])('%s → %s', (text, ok) => {
    expect(isCompactDate(text)).toBe(ok);
  });
});

describe('registerInputGuards', () => {
  let app: FastifyInstance;
  const stored: unknown[] = [];
  beforeAll(async () => {
    app = Fastify({ ajv: AJV_OPTIONS });
    registerInputGuards(app);
    registerErrorHandler(app, {});
    app.post(
      '/things/:id',
      {
        schema: {
          params: {
            type: 'object',
            properties: { id: { type: 'integer', minimum: 1, maximum: BIGINT_MAX } },
          },
          querystring: {
            type: 'object',
            properties: { tag: { type: 'array', items: { type: 'string' } } },
          },
          body: {
            type: 'object',
            properties: {
              on: { type: 'string', format: 'date' },
              items: { type: 'array', items: { type: 'object' } },
            },
          },
        },
      },
      async (request) => {
        stored.push(request.body);
        return { ok: true };
      },
    );
    await app.ready();
  });

  const post = (url: string, payload: string) =>
    app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });

  it('records every declared route for the fuzz suite', () => {
    expect(declaredRoutes(app).map((r) => `${r.method} ${r.url}`)).toContain('POST /things/:id');
  });

  it('accepts good input', async () => {
    const response = await post('/things/1?tag=a&tag=b', '{"on":"2024-02-29","items":[{"a":"x"}]}');
    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['a date that is not in the calendar', '/things/1', '{"on":"2021-02-30"}', 'on', 'FORMAT'],
    ['month 13', '/things/1', '{"on":"2021-13-01"}', 'on', 'FORMAT'],
    ['year 0', '/things/1', '{"on":"0000-01-01"}', 'on', 'FORMAT'],
    ['a NUL deep in the body', '/things/1', '{"items":[{"a":"x\\u0000"}]}', 'items.0.a', 'NUL'],
    [
      'a lone surrogate',
      '/things/1',
      '{"items":[{"a":"\\ud800"}]}',
      'items.0.a',
      'UNPAIRED_SURROGATE',
    ],
    ['a NUL in a key', '/things/1', '{"items":[{"a\\u0000":"x"}]}', 'items.0', 'NUL'],
    ['a NUL in a query', '/things/1?q=%00', '{}', 'q', 'NUL'],
    ['a repeated query parameter', '/things/1?next=a&next=b', '{}', 'next', 'REPEATED'],
    ['an id beyond bigint', '/things/9223372036854775808', '{}', 'id', 'MAXIMUM'],
    ['an id that is Infinity', '/things/Infinity', '{}', 'id', 'NOT_FINITE'],
    ['a body number beyond any', '/things/1', '{"items":[{"n":1e309}]}', 'items.0.n', 'NOT_FINITE'],
  ])(
    'refuses %s: 400 VALIDATION_FAILED with field and reason',
    async (_what, url, body, field, reason) => {
      const before = stored.length;
      const response = await post(url, body);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field, reason });
      expect(stored.length).toBe(before);
    },
  );
});
