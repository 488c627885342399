import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
peer.get<{ Params: { serial: string } }>(
  '/v1/certificates/:serial/status',
  async (request, reply) =>
    request.params.serial === 'S1'
      ? { status: 'revoked' }
      : reply.status(404).send({ code: 'NOT_FOUND' }),
);
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
  await peer.close();
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
  });
});
