import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpJlisClient, JlisUnavailableError } from './jlis-client.js';

describe('httpJlisClient', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.headers['x-service-key'] !== 'k') return void res.writeHead(401).end();
      if (req.url === '/v1/residents/123456789018') {
        res.setHeader('content-type', 'application/json');
        return void res.end(
          JSON.stringify({
            myNumber: '123456789018',
            name: '資格 花子',
            nameKana: 'シカク ハナコ',
            birthDate: '1989-09-13',
            sex: '2',
            address: '東京都',
          }),
        );
      }
      if (req.url === '/v1/residents/000000000000') return void res.writeHead(404).end('{}');
      // Never answers: only the client's own timeout ends the call, however loaded the machine.
      if (req.url?.startsWith('/v1/residents/slow')) return;
      res.writeHead(503).end('{}');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(done);
      }),
  );

  it('maps the five facts, a 404 to null, and 5xx or a timeout to JlisUnavailableError', async () => {
    const client = httpJlisClient({ url, serviceKey: 'k', timeoutMs: 10_000 });
    expect(await client.resident('123456789018')).toEqual({
      name: '資格 花子',
      kanaName: 'シカク ハナコ',
      birthDate: '1989-09-13',
      sex: '2',
      address: '東京都',
    });
    expect(await client.resident('000000000000')).toBeNull();
    await expect(client.resident('999999999999')).rejects.toBeInstanceOf(JlisUnavailableError);
    const impatient = httpJlisClient({ url, serviceKey: 'k', timeoutMs: 100 });
    await expect(impatient.resident('slow')).rejects.toBeInstanceOf(JlisUnavailableError);
  });
});
