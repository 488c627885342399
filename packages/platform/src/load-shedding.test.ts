import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerErrorHandler } from './errors.js';
import {
  LOAD_SHEDDING_ERROR_STATUS,
  type LoadShedder,
  type LoadSheddingOptions,
  registerLoadShedding,
} from './load-shedding.js';

const OFF: LoadSheddingOptions = {
  maxInFlight: 0,
  maxEventLoopDelayMs: 0,
  maxDbWaiting: 0,
  retryAfterSeconds: 2,
  exemptPaths: ['/health'],
};

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** An app whose /slow requests wait until `release()`; deterministic, no timing. */
async function build(options: Partial<LoadSheddingOptions>) {
  const instance = Fastify();
  app = instance;
  registerErrorHandler(instance, LOAD_SHEDDING_ERROR_STATUS);
  const shedder: LoadShedder = await registerLoadShedding(instance, { ...OFF, ...options });
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let entered = 0;
  instance.get('/slow', async () => {
    entered += 1;
    await gate;
    return { ok: true };
  });
  instance.get('/health', async () => ({ ok: true }));
  await instance.ready();
  return { app: instance, shedder, release, entered: () => entered };
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
};

describe('registerLoadShedding', () => {
  it('answers 503 OVERLOADED with Retry-After past the in-flight bound; /health still answers', async () => {
    const t = await build({ maxInFlight: 2 });
    const first = [t.app.inject('/slow'), t.app.inject('/slow')];
    await until(() => t.entered() === 2);
    expect(t.shedder.pressure()).toBe('inFlight');

    const refused = await t.app.inject('/slow');
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.json()).toMatchObject({ code: 'OVERLOADED', reason: 'inFlight' });
    expect((await t.app.inject('/health')).statusCode).toBe(200);
    expect(t.shedder.snapshot()).toMatchObject({ inFlight: 2, shed: { inFlight: 1 } });

    t.release();
    expect((await Promise.all(first)).map((r) => r.statusCode)).toEqual([200, 200]);
    await until(() => t.shedder.snapshot().inFlight === 0);
    expect(t.shedder.pressure()).toBeUndefined();
    expect((await t.app.inject('/slow')).statusCode).toBe(200);
  });

  it('sheds while the database pool queue is at its bound', async () => {
    let waiting = 5;
    const instance = Fastify();
    app = instance;
    registerErrorHandler(instance, LOAD_SHEDDING_ERROR_STATUS);
    const shedder = await registerLoadShedding(instance, {
      ...OFF,
      maxDbWaiting: 5,
      dbWaiting: () => waiting,
    });
    instance.get('/work', async () => ({ ok: true }));
    instance.get('/health', async () => ({ ok: true }));
    const refused = await instance.inject('/work');
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ code: 'OVERLOADED', reason: 'dbWaiting' });
    expect(refused.headers['retry-after']).toBe('2');
    expect((await instance.inject('/health')).statusCode).toBe(200);
    waiting = 4;
    expect(shedder.pressure()).toBeUndefined();
    expect((await instance.inject('/work')).statusCode).toBe(200);
  });

  it('admits everything when every bound is off', async () => {
    const t = await build({});
    const all = Array.from({ length: 50 }, () => t.app.inject('/slow'));
    await until(() => t.entered() === 50);
    expect(t.shedder.pressure()).toBeUndefined();
    t.release();
    expect((await Promise.all(all)).every((r) => r.statusCode === 200)).toBe(true);
  });
});
