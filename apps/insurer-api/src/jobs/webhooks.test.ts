import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { upsertInsurer, setInsurerWebhook } from '@shikaku/db/intermediate/insurers';
import { listWebhookDeliveries } from '@shikaku/db/intermediate/notifications';
import { saveRegistrations } from '@shikaku/db/intermediate/registrations';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { createLogger } from '@shikaku/platform/logger';
import { deliverWebhooksOnce, webhookBackoffMs } from './webhooks.js';

let nowMs = Date.parse('2021-07-15T01:00:00Z');
const clock = { now: () => new Date(nowMs) };
const SECRET = 'a-webhook-secret-of-the-insurer';

describeEachDatabase('webhooks', ({ handle }) => {
  let server: Server;
  const received: string[] = [];
  const signatures: string[] = [];
  let fail = true;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (fail) return void res.writeHead(500).end();
        received.push(body);
        signatures.push(String(req.headers['x-shikaku-signature']));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await upsertInsurer(
      handle(),
      { insurerNumber: '01130012', name: 'A', keyHash: 'h', webhookUrl: url },
      clock.now(),
    );
    await setInsurerWebhook(handle(), '01130012', { url, secret: SECRET });
    await saveRegistrations(
      handle(),
      [
        {
          qualificationId: 'q1',
          insurerNumber: '01130012',
          cardSymbol: '1',
          cardNumber: '2',
          branchNumber: '00',
          cardClassification: '01',
          personalFamily: '1',
          myNumber: '123456789018',
          personRef: 'P1',
          name: '資格 花子',
          nameKana: 'シカク ハナコ',
          birthDate: '1989-09-13',
          sex: '2',
          address: '東京都',
          postNumber: '',
          qualificationDate: '2021-04-01',
          disqualificationDate: null,
          reasonOfLoss: null,
          incomeClass: 'general',
          cardIssuedOn: null,
          cardValidFrom: '2021-04-01',
          cardValidTo: null,
          registeredOn: '2021-07-15',
          checkStatus: 'birth-date-mismatch',
          noHistory: false,
          blocked: false,
          sourceHash: null,
          sourceLine: null,
          notification: { kind: 'BIRTH_DATE_MISMATCH', message: 'm', dedupeKey: 'k1' },
          jlisCheck: null,
        },
      ],
      clock.now(),
    );
  });
  afterAll(() => new Promise((done) => server.close(done)));

  it('retries a failed delivery after a backoff, delivers each notification once, signed, and lists every attempt', async () => {
    const deps = { handle: handle(), clock, logger: createLogger({ name: 't', level: 'silent' }) };
    expect(await deliverWebhooksOnce(deps)).toEqual({ delivered: 0, failed: 1 });
    fail = false;
    // Not before the backoff has passed on the clock.
    expect(await deliverWebhooksOnce(deps)).toEqual({ delivered: 0, failed: 0 });
    nowMs += webhookBackoffMs(1);
    expect(await deliverWebhooksOnce(deps)).toEqual({ delivered: 1, failed: 0 });
    expect(await deliverWebhooksOnce(deps)).toEqual({ delivered: 0, failed: 0 });
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!)).toMatchObject({
      kind: 'BIRTH_DATE_MISMATCH',
      qualificationId: 'q1',
    });
    expect(received[0]).not.toContain('123456789018');
    // The receiver checks the signature with the secret it registered.
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signatures[0]!)!;
    expect(v1).toBe(createHmac('sha256', SECRET).update(`${t}.${received[0]}`).digest('hex'));
    const deliveries = await listWebhookDeliveries(handle(), '01130012', { limit: 10 });
    expect(deliveries.map((d) => [d.attempt, d.outcome, d.statusCode])).toEqual([
      [1, 'failed', 500],
      [2, 'delivered', 204],
    ]);
    expect(deliveries[0]!.nextAttemptAt).toBe(new Date(nowMs).toISOString());
    expect(await listWebhookDeliveries(handle(), '99999999', { limit: 10 })).toEqual([]);
  });
});
