import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { httpUpstreams } from './upstream.js';

// A stand-in for insurer-api and J-LIS speaking the contracts of docs/contracts.md.
const peer = Fastify();
const seenKeys: string[] = [];
peer.addHook('onRequest', async (request) => {
  seenKeys.push(String(request.headers['x-service-key']));
});
peer.post<{ Body: { certificateSerial: string } }>(
  '/v1/internal/certificate-resolutions',
  async (request, reply) =>
    request.body.certificateSerial === 'S1'
      ? { personRef: 'p1' }
      : reply.status(404).send({ code: 'PERSON_NOT_FOUND', message: 'no' }),
);
// J-LIS's statuses route: S1 and every serial starting R- revoked, V- valid, others unknown.
// `statusMode` makes it misbehave; `statusBatches` records the serials of each request.
let statusMode: 'answer' | 'error' | 'reorder' | 'short' | 'hang' = 'answer';
const statusBatches: string[][] = [];
const statusOf = (serial: string) =>
  serial === 'S1' || serial.startsWith('R-')
    ? 'revoked'
    : serial.startsWith('V-')
      ? 'valid'
      : 'unknown';
peer.post<{ Body: { serials: string[] } }>('/v1/certificates/statuses', async (request, reply) => {
  const { serials } = request.body;
  statusBatches.push(serials);
  if (statusMode === 'hang') return new Promise(() => {});
  if (statusMode === 'error') return reply.status(503).send({ code: 'JLIS_UNAVAILABLE' });
  const statuses = serials.map((serial) => ({ serial, status: statusOf(serial) }));
  if (statusMode === 'reorder') statuses.reverse();
  if (statusMode === 'short') statuses.pop();
  return { statuses };
});
peer.get<{ Querystring: { after: string; limit: string } }>(
  '/v1/outbox/qualifications',
  async (request) => ({
    events: [],
    next: Number(request.query.after),
  }),
);
let url = '';

beforeAll(async () => {
  url = await peer.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  peer.server.closeAllConnections();
  await peer.close();
});
beforeEach(() => {
  statusMode = 'answer';
  statusBatches.length = 0;
});

describe('httpUpstreams', () => {
  it('speaks the contracts with the service key', async () => {
    const upstreams = httpUpstreams({ insurerApiUrl: url, jlisUrl: url, serviceKey: 'k' });
    expect(await upstreams.resolveCertificate('S1')).toEqual({ personRef: 'p1' });
    expect(await upstreams.resolveCertificate('S2')).toBeUndefined();
    expect(await upstreams.certificateStatus('S1')).toBe('revoked');
    expect(await upstreams.certificateStatus('S2')).toBe('unknown');
    expect(await upstreams.fetchOutbox(41, 10)).toEqual({ events: [], next: 41 });
    expect(seenKeys.every((key) => key === 'k')).toBe(true);
  });

  it('bounds the whole exchange: an answer that trickles in past the timeout is UPSTREAM_UNAVAILABLE', async () => {
    // Headers at once, then a byte every 50 ms, never finished: an idle timeout alone never fires.
    const slow = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const drip = setInterval(() => response.write(' '), 50);
      response.on('close', () => clearInterval(drip));
    });
    await new Promise<void>((done) => slow.listen(0, '127.0.0.1', done));
    const { port } = slow.address() as AddressInfo;
    const upstreams = httpUpstreams({
      insurerApiUrl: undefined,
      jlisUrl: `http://127.0.0.1:${port}`,
      serviceKey: 'k',
      timeoutMs: 300,
    });
    try {
      await expect(upstreams.certificateStatus('S1')).rejects.toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
      });
    } finally {
      slow.closeAllConnections();
      await new Promise((done) => slow.close(done));
    }
  });

  it('turns an unreachable or missing peer into UPSTREAM_UNAVAILABLE', async () => {
    const down = httpUpstreams({
      insurerApiUrl: 'http://127.0.0.1:1',
      jlisUrl: undefined,
      serviceKey: 'k',
    });
    await expect(down.resolveCertificate('S1')).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
    });
    await expect(down.certificateStatus('S1')).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
    });
    // Checks of J-LIS sharing a request all fail when it is refused.
    const refused = httpUpstreams({
      insurerApiUrl: undefined,
      jlisUrl: 'http://127.0.0.1:1',
      serviceKey: 'k',
    });
    const outcomes = await Promise.allSettled(
      ['S1', 'S2', 'S3', 'S4', 'S5'].map((serial) => refused.certificateStatus(serial)),
    );
    for (const outcome of outcomes)
      expect(outcome).toMatchObject({
        status: 'rejected',
        reason: { code: 'UPSTREAM_UNAVAILABLE' },
      });
  });
});

describe('httpUpstreams certificate statuses in batches', () => {
  const jlis = () => httpUpstreams({ insurerApiUrl: undefined, jlisUrl: url, serviceKey: 'k' });
  const serials = (n: number, at = 0) =>
    Array.from({ length: n }, (_, i) => ['V-', 'R-', 'U-'][(at + i) % 3] + String(at + i));

  it('sends concurrent checks of different serials together and answers each with its own status', async () => {
    const upstreams = jlis();
    const asked = serials(10);
    const answers = await Promise.all(asked.map((serial) => upstreams.certificateStatus(serial)));
    expect(answers).toEqual(asked.map(statusOf));
    // Two go out at once (two in flight, so light load waits for nothing); the other eight wait
    // for one to come back and share one request, in the order asked.
    expect(statusBatches).toEqual([[asked[0]], [asked[1]], asked.slice(2)]);
  });

  it('carries at most 100 serials a request', async () => {
    const upstreams = jlis();
    const asked = serials(250);
    const answers = await Promise.all(asked.map((serial) => upstreams.certificateStatus(serial)));
    expect(answers).toEqual(asked.map(statusOf));
    expect(statusBatches.map((batch) => batch.length)).toEqual([1, 1, 100, 100, 48]);
    expect(statusBatches.flat()).toEqual(asked);
  });

  it.each(['error', 'reorder', 'short'] as const)(
    'fails every check of a batch UPSTREAM_UNAVAILABLE when J-LIS answers it wrongly (%s)',
    async (mode) => {
      const upstreams = jlis();
      statusMode = mode;
      const outcomes = await Promise.allSettled(
        serials(6).map((serial) => upstreams.certificateStatus(serial)),
      );
      // A one-serial batch cannot be reordered: it is answered right.
      const batchOfMany = mode === 'error' ? outcomes : outcomes.slice(2);
      for (const outcome of batchOfMany)
        expect(outcome).toMatchObject({
          status: 'rejected',
          reason: { code: 'UPSTREAM_UNAVAILABLE' },
        });
      expect(statusBatches.flat()).toHaveLength(6);
    },
  );

  it('fails a serial J-LIS would refuse alone, without sending it, so the others are answered', async () => {
    const upstreams = jlis();
    const outcomes = await Promise.allSettled(
      ['V-1', 'x'.repeat(65), 'R-2', '', 'V-3'].map((serial) =>
        upstreams.certificateStatus(serial),
      ),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(outcomes[1]).toMatchObject({ reason: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(statusBatches.flat()).toEqual(['V-1', 'R-2', 'V-3']);
  });

  it('bounds a check waiting behind stalled requests by the timeout, as its own request was', async () => {
    // Only setTimeout is faked: the exchange's deadline and the check's; sockets run for real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      statusMode = 'hang';
      const upstreams = httpUpstreams({
        insurerApiUrl: undefined,
        jlisUrl: url,
        serviceKey: 'k',
        timeoutMs: 1000,
      });
      const settled: string[] = [];
      const checks = ['V-1', 'V-2', 'V-3'].map((serial) =>
        upstreams.certificateStatus(serial).catch((error: { code?: string }) => {
          settled.push(`${serial} ${error.code}`);
        }),
      );
      // The first two are sent and stall; the third waits for one of them.
      while (statusBatches.length < 2) await new Promise((done) => setImmediate(done));
      await vi.advanceTimersByTimeAsync(1000);
      for (let turn = 0; turn < 50 && settled.length < 3; turn++)
        await new Promise((done) => setImmediate(done));
      expect(settled.toSorted()).toEqual([
        'V-1 UPSTREAM_UNAVAILABLE',
        'V-2 UPSTREAM_UNAVAILABLE',
        'V-3 UPSTREAM_UNAVAILABLE',
      ]);
      await Promise.all(checks);
      // Whatever was sent after them times out too (its socket closed before real timers return).
      await vi.advanceTimersByTimeAsync(1000);
    } finally {
      vi.useRealTimers();
    }
  });
});
