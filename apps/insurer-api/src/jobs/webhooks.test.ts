import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '@shikaku/core/clock';
import { upsertInsurer } from '@shikaku/db/intermediate/insurers';
import { saveRegistrations } from '@shikaku/db/intermediate/registrations';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { createLogger } from '@shikaku/platform/logger';
import { deliverWebhooksOnce } from './webhooks.js';

const clock = fixedClock(new Date('2021-07-15T01:00:00Z'));

describeEachDatabase('webhooks', ({ handle }) => {
  let server: Server;
  const received: string[] = [];
  let fail = true;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (fail) return void res.writeHead(500).end();
        received.push(body);
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

  it('retries a failed delivery on the next run and delivers each notification once', async () => {
    const deps = { handle: handle(), clock, logger: createLogger({ name: 't', level: 'silent' }) };
    expect(await deliverWebhooksOnce(deps)).toEqual({ delivered: 0, failed: 1 });
    fail = false;
    expect(await deliverWebhooksOnce(deps)).toEqual({ delivered: 1, failed: 0 });
    expect(await deliverWebhooksOnce(deps)).toEqual({ delivered: 0, failed: 0 });
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!)).toMatchObject({
      kind: 'BIRTH_DATE_MISMATCH',
      qualificationId: 'q1',
    });
    expect(received[0]).not.toContain('123456789018');
  });
});
