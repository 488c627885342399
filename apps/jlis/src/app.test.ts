import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { createLogger } from '@shikaku/platform/logger';
import { undocumentedOperations } from '@shikaku/platform/openapi';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { HANAKO, seedHanako, TEST_CLOCK, TEST_CONFIG } from './testing/fixture.js';
import { FaultInjector } from './faults.js';

const config = TEST_CONFIG;
const clock = TEST_CLOCK;
const hanako = HANAKO;

describeEachDatabase('jlis app', ({ handle }) => {
  let app: FastifyInstance;
  let draws: number[] = [];
  const logLines: string[] = [];
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => logLines.push(chunk.toString()));
  const faults = new FaultInjector(config.faults, () => draws.shift() ?? 0.99);

  beforeAll(async () => {
    await seedHanako(handle(), 'ABCDEF0123456789');
    app = await buildApp(config, {
      handle: handle(),
      clock,
      logger: createLogger({ name: 'jlis', level: 'debug', destination: logStream }),
      faults,
    });
  });
  afterAll(() => app.close());

  const get = (url: string, key = 'svc') =>
    app.inject({ method: 'GET', url, headers: { 'x-service-key': key } });

  it('answers the five facts of a resident, 404 for an unknown one, 400 for a bad number', async () => {
    const found = await get(`/v1/residents/${hanako.myNumber}`);
    expect(found.statusCode).toBe(200);
    expect(found.json()).toEqual(hanako);
    expect((await get('/v1/residents/123456789019')).json()).toMatchObject({
      code: 'INVALID_MY_NUMBER',
      field: 'myNumber',
    });
    expect((await get('/v1/residents/000000000000')).statusCode).toBe(404);
  });

  it('refuses callers without the service key', async () => {
    const response = await get(`/v1/residents/${hanako.myNumber}`, 'wrong');
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('UNAUTHENTICATED');
  });

  it('answers certificate status without the My Number, and lets control revoke it', async () => {
    const status = await get('/v1/certificates/ABCDEF0123456789/status');
    expect(status.json()).toEqual({ serial: 'ABCDEF0123456789', status: 'valid' });
    expect(status.body).not.toContain(hanako.myNumber);
    const revoke = await app.inject({
      method: 'PUT',
      url: '/v1/certificates/ABCDEF0123456789/status',
      headers: { 'x-control-key': 'ctl' },
      payload: { status: 'revoked' },
    });
    expect(revoke.statusCode).toBe(200);
    expect((await get('/v1/certificates/ABCDEF0123456789')).json()).toEqual({
      serial: 'ABCDEF0123456789',
      status: 'revoked',
      myNumber: hanako.myNumber,
    });
  });

  it('injects errors by rate and goes down on request', async () => {
    const set = (payload: object) =>
      app.inject({
        method: 'PUT',
        url: '/v1/control/faults',
        headers: { 'x-control-key': 'ctl' },
        payload,
      });
    expect((await set({ errorRate: 0.5 })).json()).toEqual({
      latencyMs: 0,
      errorRate: 0.5,
      down: false,
    });
    draws = [0.1, 0.9];
    expect((await get(`/v1/residents/${hanako.myNumber}`)).statusCode).toBe(503);
    expect((await get(`/v1/residents/${hanako.myNumber}`)).statusCode).toBe(200);
    await set({ errorRate: 0, down: true });
    const down = await get(`/v1/residents/${hanako.myNumber}`);
    expect(down.statusCode).toBe(503);
    expect(down.json().code).toBe('JLIS_UNAVAILABLE');
    await set({ down: false });
    expect((await get(`/v1/residents/${hanako.myNumber}`)).statusCode).toBe(200);
  });

  it('logs requests by route pattern, never with the My Number of the URL', async () => {
    await get(`/v1/residents/${hanako.myNumber}`);
    const logs = logLines.join('');
    expect(logs).toContain('/v1/residents/:myNumber');
    expect(logs).not.toContain(hanako.myNumber);
  });

  it('serves its OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).toContain('/v1/residents/{myNumber}');
    expect(undocumentedOperations(doc)).toEqual([]);
  });
});
