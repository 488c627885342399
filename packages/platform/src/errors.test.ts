import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { AppError, registerErrorHandler, toErrorResponse } from './errors.js';

describe('toErrorResponse', () => {
  const table = { INVALID_MY_NUMBER: 422, CONSENT_EXPIRED: 403 };

  it('maps an app error through the table and keeps field and line', () => {
    const error = new AppError('INVALID_MY_NUMBER', 'check digit does not match', {
      field: 'myNumber',
      line: 7,
    });
    expect(toErrorResponse(error, table)).toEqual({
      status: 422,
      body: {
        code: 'INVALID_MY_NUMBER',
        message: 'check digit does not match',
        field: 'myNumber',
        line: 7,
      },
    });
  });

  it('falls back to the common table', () => {
    expect(toErrorResponse(new AppError('NOT_FOUND', 'no member'), table).status).toBe(404);
  });

  it('names the field of a schema validation error', () => {
    const error = Object.assign(new Error('body must have required property birthDate'), {
      validation: [{ instancePath: '', params: { missingProperty: 'birthDate' } }],
    });
    expect(toErrorResponse(error, table)).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', field: 'birthDate' },
    });
  });

  it('hides internals of unexpected errors', () => {
    const result = toErrorResponse(new TypeError('cannot read x of undefined at /srv/a.ts'), table);
    expect(result).toEqual({ status: 500, body: { code: 'INTERNAL', message: 'internal error' } });
  });
});

describe('registerErrorHandler', () => {
  it('puts Retry-After on every 429: a thrown RATE_LIMITED, a 429 a route sends itself, and keeps one that was set', async () => {
    const app = Fastify();
    registerErrorHandler(app, {});
    app.get('/thrown', async () => {
      throw new AppError('RATE_LIMITED', 'slow down');
    });
    app.get('/sent', async (_request, reply) => reply.status(429).send('<busy/>'));
    app.get('/own', async (_request, reply) =>
      reply.status(429).header('retry-after', '30').send({}),
    );
    app.get('/ok', async () => ({ ok: true }));
    const thrown = await app.inject('/thrown');
    expect(thrown.statusCode).toBe(429);
    expect(thrown.headers['retry-after']).toBe('1');
    expect(thrown.json().code).toBe('RATE_LIMITED');
    expect((await app.inject('/sent')).headers['retry-after']).toBe('1');
    expect((await app.inject('/own')).headers['retry-after']).toBe('30');
    expect((await app.inject('/ok')).headers['retry-after']).toBeUndefined();
    await app.close();
  });
});
