import http from 'node:http';
import net from 'node:net';
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
  maxConnections: 0,
  exemptPaths: ['/health'],
};

let app: FastifyInstance | undefined;
let releaseHeld: (() => void) | undefined;
afterEach(async () => {
  releaseHeld?.(); // a failed assertion must not leave close() waiting on a held request
  await app?.close();
  app = undefined;
});

/** An app whose /slow requests wait until `release()`; deterministic, no timing. */
async function build(
  options: Partial<LoadSheddingOptions>,
  before: (instance: FastifyInstance) => void = () => undefined,
) {
  const instance = Fastify();
  app = instance;
  registerErrorHandler(instance, LOAD_SHEDDING_ERROR_STATUS);
  const shedder: LoadShedder = await registerLoadShedding(instance, { ...OFF, ...options });
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  releaseHeld = release;
  let entered = 0;
  instance.get('/slow', async () => {
    entered += 1;
    await gate;
    return { ok: true };
  });
  instance.get('/health', async () => ({ ok: true }));
  before(instance);
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

describe('the adaptive in-flight limit (targetLatencyMs)', () => {
  /** Keeps the limit's worth of requests of `delayMs` in flight for `forMs`; the limits seen. */
  async function drive(targetLatencyMs: number, delayMs: number, forMs: number) {
    const instance = Fastify();
    app = instance;
    registerErrorHandler(instance, LOAD_SHEDDING_ERROR_STATUS);
    const shedder = await registerLoadShedding(instance, {
      ...OFF,
      maxInFlight: 16,
      targetLatencyMs,
    });
    instance.get('/work', async () => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return { ok: true };
    });
    await instance.ready();
    const start = shedder.snapshot().limit;
    const until = Date.now() + forMs;
    while (Date.now() < until) {
      const limit = shedder.snapshot().limit;
      await Promise.all(Array.from({ length: limit }, () => instance.inject('/work')));
    }
    return { start, end: shedder.snapshot().limit };
  }

  it('starts at an eighth of maxInFlight and grows while requests finish under the target', async () => {
    expect(await drive(1000, 1, 3000)).toEqual({ start: 2, end: 16 });
  });

  it('stays at its floor while requests take longer than the target', async () => {
    expect(await drive(5, 40, 600)).toEqual({ start: 2, end: 2 });
  });
});

describe('the front door (a listening server)', () => {
  // Real sockets: wait on timers (a setImmediate loop starves fetch's connection).
  const settle = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
  };

  /** Listens on 127.0.0.1; counts the requests Fastify itself answered (routed, hooks run). */
  async function listening(options: Partial<LoadSheddingOptions>) {
    let routed = 0;
    const t = await build(options, (instance) =>
      instance.addHook('onResponse', async () => {
        routed += 1;
      }),
    );
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return { ...t, base, routed: () => routed };
  }

  it('refuses before routing with the kept bytes of the first refusal; liveness answers', async () => {
    const t = await listening({ maxInFlight: 1 });
    const held = fetch(`${t.base}/slow`);
    await settle(() => t.entered() === 1);
    const routedBefore = t.routed();

    // The first refusal of its shape is written by the app's error handler (and kept) …
    const first = await fetch(`${t.base}/slow`);
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(first.headers.get('connection')).toBe('close');
    const firstBody = await first.json();
    expect(firstBody).toMatchObject({ code: 'OVERLOADED', reason: 'inFlight' });
    await settle(() => t.routed() === routedBefore + 1);

    // … the next ones are answered with those bytes, before Fastify routes them.
    for (let i = 0; i < 3; i += 1) {
      const refused = await fetch(`${t.base}/slow?attempt=${i}`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('2');
      expect(refused.headers.get('connection')).toBe('close');
      expect(await refused.json()).toEqual(firstBody);
    }
    expect(t.shedder.snapshot()).toMatchObject({
      inFlight: 1,
      shed: { inFlight: 4 },
      shedPreSerialised: 3,
    });

    // Liveness is exempt: answered (through the app) while everything else is refused.
    const health = await fetch(`${t.base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    // Fastify answered the first refusal and /health, none of the three after the first.
    await settle(() => t.routed() >= routedBefore + 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(t.routed()).toBe(routedBefore + 2);

    t.release();
    expect((await held).status).toBe(200);
    await settle(() => t.shedder.snapshot().inFlight === 0);
    expect((await fetch(`${t.base}/slow`)).status).toBe(200);
  });

  it('closes connections past maxConnections as they are accepted, before any HTTP', async () => {
    const t = await listening({ maxConnections: 1 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        http
          .get(`${t.base}${path}`, { agent }, (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode ?? 0));
          })
          .on('error', reject);
      });
    expect(await get('/health')).toBe(200); // one connection, kept open by the agent
    await settle(() => t.shedder.snapshot().connections === 1);
    const second = new Promise<string>((resolve) => {
      const socket = net.connect(Number(new URL(t.base).port), '127.0.0.1', () => {
        socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      let data = '';
      socket.on('data', (chunk) => (data += String(chunk)));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(data));
    });
    expect(await second).toBe(''); // closed unanswered
    expect(await get('/health')).toBe(200); // the kept connection still works
    agent.destroy();
  });
});
