// The insurer's work list: the seed's conflicts (2222 birth date, 4444 twins) as each insurer sees
// them — filtered, naming the fact and the source, never raised twice, told to the insurer that
// registered earlier too; "confirm" refused where nothing is suspected; the webhook registered over
// the API.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '@shikaku/core/clock';
import { insurerNumberFromBody } from '@shikaku/core/insurer-number';
import { myNumberFromBody } from '@shikaku/core/my-number';
import { upsertInsurer } from '@shikaku/db/intermediate/insurers';
import { notifyCounterparts } from '@shikaku/db/intermediate/notifications';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { createLogger } from '@shikaku/platform/logger';
import { buildApp } from '../app.js';
import { hashKey } from '../auth.js';
import { counterpartMessage } from '../registration/notice.js';
import { testConfig } from '../testing/config.js';

const A = insurerNumberFromBody('0113001'); // registers now
const B = insurerNumberFromBody('0627001'); // registered earlier
const M2222 = myNumberFromBody('22222222222');
const M4444 = myNumberFromBody('44444444444');

const config = testConfig({ bulkConcurrency: 1, bulkWorkers: 0 });

const member = (overrides: Record<string, unknown>) => ({
  cardSymbol: '1234',
  branchNumber: '00',
  name: '資格 花子',
  nameKana: 'シカク ハナコ',
  sex: '2',
  address: '東京都千代田区霞が関1-2-2',
  postNumber: '100-0013',
  qualificationDate: '2021-04-01',
  ...overrides,
});

describeEachDatabase('the insurer work list', ({ handle }) => {
  let app: FastifyInstance;
  const clock = fixedClock(new Date('2021-07-15T01:00:00Z'));
  const noJlis = {
    resident: async () => null,
    certificate: async () => null,
  };

  beforeAll(async () => {
    for (const [number, name] of [
      [A, '保険者A'],
      [B, '保険者B'],
    ] as const) {
      await upsertInsurer(
        handle(),
        { insurerNumber: number, name, keyHash: hashKey(`key-${number}`), webhookUrl: null },
        clock.now(),
      );
    }
    app = await buildApp(config, {
      handle: handle(),
      clock,
      logger: createLogger({ name: 'insurer-api', level: 'silent' }),
      jlis: noJlis,
    });
  });
  afterAll(() => app.close());

  const as = (insurer: string) => ({ authorization: `Bearer key-${insurer}` });
  const register = (insurer: string, body: object) =>
    app.inject({ method: 'POST', url: '/v1/registrations', headers: as(insurer), payload: body });
  const workList = async (insurer: string, query = '') =>
    (
      await app.inject({ method: 'GET', url: `/v1/notifications${query}`, headers: as(insurer) })
    ).json().notifications as Array<Record<string, unknown>>;

  it('lists each conflict with its fact and source, once, to both insurers', async () => {
    await register(B, member({ myNumber: M2222, cardNumber: 'B2', birthDate: 'S62.9.13' }));
    await register(
      B,
      member({
        myNumber: M4444,
        cardNumber: 'B4',
        birthDate: 'H16.8.4',
        nameKana: 'シカク タロウ',
      }),
    );
    await register(A, member({ myNumber: M2222, cardNumber: 'A2', birthDate: 'H3.7.4' }));
    await register(
      A,
      member({
        myNumber: M4444,
        cardNumber: 'A4',
        birthDate: 'H16.8.4',
        nameKana: 'シカク ジロウ',
      }),
    );
    // The same registration again: the same conflict, not raised twice.
    await register(A, member({ myNumber: M2222, cardNumber: 'A2', birthDate: 'H3.7.4' }));

    const ofA = await workList(A, '?kind=BIRTH_DATE_MISMATCH,KANA_NAME_MISMATCH');
    expect(ofA.map((n) => [n.kind, n.source, n.facts])).toEqual([
      ['BIRTH_DATE_MISMATCH', 'registration', ['birthDate']],
      ['KANA_NAME_MISMATCH', 'registration', ['kanaName']],
    ]);
    expect(await workList(A, '?kind=KANA_NAME_MISMATCH')).toHaveLength(1);
    expect(await workList(A, '?from=2021-07-16')).toEqual([]);
    expect(await workList(A, '?from=2021-07-15&to=2021-07-15')).not.toEqual([]);
    const bad = await app.inject({
      method: 'GET',
      url: '/v1/notifications?kind=ANYTHING',
      headers: as(A),
    });
    expect(bad.statusCode).toBe(400);

    // B registered earlier: it learns of both conflicts, and only once however often the job runs.
    expect(await workList(B, '?kind=BIRTH_DATE_MISMATCH,KANA_NAME_MISMATCH')).toEqual([]);
    expect(await notifyCounterparts(handle(), counterpartMessage, clock.now())).toMatchObject({
      notified: 2,
    });
    expect(await notifyCounterparts(handle(), counterpartMessage, clock.now())).toMatchObject({
      notified: 0,
    });
    const ofB = await workList(B, '?kind=BIRTH_DATE_MISMATCH,KANA_NAME_MISMATCH&status=open');
    expect(ofB.map((n) => [n.kind, n.source, n.facts])).toEqual([
      ['BIRTH_DATE_MISMATCH', 'later-registration', ['birthDate']],
      ['KANA_NAME_MISMATCH', 'later-registration', ['kanaName']],
    ]);
    // Nothing of A's member: no name, no birth date, no card numbers.
    const text = JSON.stringify(ofB);
    for (const secret of ['ジロウ', 'H3', '1991', 'A2', 'A4', M2222, M4444]) {
      expect(text).not.toContain(secret);
    }
    // Acknowledged, it leaves the open list.
    const first = ofB[0]!;
    await app.inject({
      method: 'POST',
      url: `/v1/notifications/${String(first.id)}/acknowledge`,
      headers: as(B),
    });
    expect(
      await workList(B, '?kind=BIRTH_DATE_MISMATCH,KANA_NAME_MISMATCH&status=open'),
    ).toHaveLength(1);
    expect(await workList(B, '?status=acknowledged')).toHaveLength(1);
  });

  it('refuses to confirm where nothing is suspected (NOTHING_SUSPECTED) and changes nothing', async () => {
    const list = (
      await app.inject({ method: 'GET', url: '/v1/registrations', headers: as(B) })
    ).json().registrations as Array<{
      qualificationId: string;
      cardNumber: string;
      checkStatus: string;
    }>;
    const b2 = list.find((r) => r.cardNumber === 'B2')!;
    const refused = await app.inject({
      method: 'POST',
      url: `/v1/registrations/${b2.qualificationId}/resolution`,
      headers: as(B),
      payload: { action: 'confirm', reason: '念のため' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'NOTHING_SUSPECTED' });
    const after = (
      await app.inject({
        method: 'GET',
        url: `/v1/registrations/${b2.qualificationId}`,
        headers: as(B),
      })
    ).json();
    expect(after.checkStatus).toBe(b2.checkStatus);
  });

  it('registers a webhook over the API (never shows the secret) and lists its deliveries', async () => {
    const put = (payload: object) =>
      app.inject({ method: 'PUT', url: '/v1/webhook', headers: as(A), payload });
    expect((await put({ url: 'ftp://x', secret: 'a-secret-of-16-chars' })).json()).toMatchObject({
      code: 'INVALID_WEBHOOK',
    });
    expect((await put({ url: 'https://insurer.example/hook', secret: 'short' })).statusCode).toBe(
      400,
    );
    const set = await put({ url: 'https://insurer.example/hook', secret: 'a-secret-of-16-chars' });
    expect(set.json()).toEqual({ url: 'https://insurer.example/hook', signed: true });
    const shown = await app.inject({ method: 'GET', url: '/v1/webhook', headers: as(A) });
    expect(shown.json()).toEqual({ url: 'https://insurer.example/hook', signed: true });
    expect(shown.body).not.toContain('a-secret-of-16-chars');
    const deliveries = await app.inject({
      method: 'GET',
      url: '/v1/webhook/deliveries?outcome=failed',
      headers: as(A),
    });
    expect(deliveries.json()).toEqual({ deliveries: [] });
    await app.inject({ method: 'DELETE', url: '/v1/webhook', headers: as(A) });
    expect(
      (await app.inject({ method: 'GET', url: '/v1/webhook', headers: as(A) })).json(),
    ).toEqual({ url: null, signed: false });
  });
});
