import swagger from '@fastify/swagger';
import Fastify from 'fastify';
import { Type } from 'typebox';
import { expect, it } from 'vitest';
import {
  ErrorBodySchema,
  errorResponseWithCodes,
  errorStatusDescription,
  registerErrorHandler,
} from './errors.js';
import { described, undocumentedOperations } from './openapi.js';

const TABLE = { RESIDENT_NOT_FOUND: 404, SIGN_IN_RATE_LIMITED: 429 };

it('describes each error status from the app table and reports what is left undocumented', async () => {
  const app = Fastify();
  await app.register(swagger, { openapi: { info: { title: 't', version: '1' } } });
  registerErrorHandler(app, TABLE);
  const Body = Type.Object({ ok: Type.Boolean() });
  app.get(
    '/documented',
    {
      schema: {
        summary: 'Documented',
        response: { 200: described(Body, 'It answers'), 404: ErrorBodySchema },
      },
    },
    async () => ({ ok: true, dropped: 'not in the schema' }),
  );
  app.get(
    '/own-limit',
    {
      schema: {
        summary: 'Its own rate limit',
        response: {
          200: described(Body, 'It answers'),
          429: errorResponseWithCodes(429, ['SIGN_IN_RATE_LIMITED']),
        },
      },
    },
    async () => ({ ok: true }),
  );
  app.get('/bare', { schema: { response: { 200: Body } } }, async () => ({ ok: true }));
  app.get('/none', async () => 'x');
  app.get(
    '/errors-only',
    { schema: { summary: 'Errors only', response: { 404: ErrorBodySchema } } },
    async () => 'x',
  );
  await app.ready();

  const doc = app.swagger() as Parameters<typeof undocumentedOperations>[0];
  expect(doc.paths?.['/documented']?.get?.responses?.['404']?.description).toBe(
    'Not found (NOT_FOUND, RESIDENT_NOT_FOUND)',
  );
  // A route naming its codes gets just those, not every code of the table with that status.
  expect(doc.paths?.['/own-limit']?.get?.responses?.['429']?.description).toBe(
    'Too many requests (Retry-After) (SIGN_IN_RATE_LIMITED)',
  );
  expect(undocumentedOperations(doc)).toEqual([
    'GET /bare: no summary',
    'GET /bare 200: Default Response',
    'GET /none: no summary',
    'GET /none 200: Default Response',
    'GET /errors-only: no success response',
  ]);
  // Only an annotation: the answer is serialised as before, and the shared schema is not touched.
  expect((await app.inject({ url: '/documented' })).json()).toEqual({ ok: true });
  expect('description' in ErrorBodySchema).toBe(false);
  expect(errorStatusDescription(418, TABLE)).toBe('Error');
  await app.close();
});
