// The 2023 five-fact rule (era 2023-04, from 2023-04-14) for every registration, not only numbers
// with no history: a registration waits for J-LIS, held from viewing; a mismatch on any of the five
// facts keeps it held (a stored card that becomes held travels as a withheld event) until the
// insurer fixes the record or confirms it with a reason.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { insurerNumberFromBody } from '@shikaku/core/insurer-number';
import type { PersonFacts } from '@shikaku/core/mis-entry';
import { myNumberFromBody } from '@shikaku/core/my-number';
import { upsertInsurer } from '@shikaku/db/intermediate/insurers';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { createLogger } from '@shikaku/platform/logger';
import { buildApp } from '../app.js';
import { hashKey } from '../auth.js';
import { parsePolicy } from '../config.js';
import type { JlisClient } from '../jlis-client.js';
import { testConfig } from '../testing/config.js';

const A = insurerNumberFromBody('0113001'); // the new insurer (a job change)
const B = insurerNumberFromBody('0627001'); // registered earlier
const M = myNumberFromBody('55555555555');

const config = testConfig({ policy: parsePolicy('2023-04'), bulkConcurrency: 1, bulkWorkers: 0 });

const RESIDENT: PersonFacts = {
  name: '資格 花子',
  kanaName: 'シカク ハナコ',
  birthDate: '1989-09-13',
  sex: '2',
  address: '東京都千代田区霞が関1-2-2',
};

const member = (overrides: Record<string, unknown>) => ({
  myNumber: M,
  cardSymbol: '1234',
  branchNumber: '00',
  name: RESIDENT.name,
  nameKana: RESIDENT.kanaName,
  birthDate: RESIDENT.birthDate,
  sex: RESIDENT.sex,
  // The registry writes it 霞が関一丁目2番2号: the same address in another notation.
  address: '東京都千代田区霞が関一丁目2番2号',
  postNumber: '100-0013',
  qualificationDate: '2023-04-01',
  ...overrides,
});

describeEachDatabase('the 2023 five-fact rule for every registration', ({ handle }) => {
  let app: FastifyInstance;
  const residents = new Map<string, PersonFacts>([[M, RESIDENT]]);
  const jlis: JlisClient = {
    resident: async (myNumber) => residents.get(myNumber) ?? null,
    certificate: async () => null,
  };
  // Moved a day forward by the dedupe test (every check is due at once whatever the day).
  let now = new Date('2023-05-01T01:00:00Z');
  const clock = { now: () => new Date(now.getTime()) };

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
      jlis,
    });
  });
  afterAll(() => app.close());

  const as = (insurer: string) => ({ authorization: `Bearer key-${insurer}` });
  const register = async (insurer: string, body: object) =>
    (
      await app.inject({
        method: 'POST',
        url: '/v1/registrations',
        headers: as(insurer),
        payload: body,
      })
    ).json() as { qualificationId: string; checkStatus: string; blocked: boolean };
  const runJlisChecks = () =>
    app.inject({
      method: 'POST',
      url: '/v1/jobs/jlis-checks',
      headers: { 'x-service-key': 'svc' },
    });
  const registration = async (insurer: string, id: string) =>
    (
      await app.inject({ method: 'GET', url: `/v1/registrations/${id}`, headers: as(insurer) })
    ).json() as {
      checkStatus: string;
      blocked: boolean;
    };
  let after = 0;
  /** Outbox events since the last call, as eligibility-api reads them: [type, qualificationId]. */
  const newEvents = async () => {
    const page = (
      await app.inject({
        method: 'GET',
        url: `/v1/outbox/qualifications?after=${after}&limit=100&include=withheld`,
        headers: { 'x-service-key': 'svc' },
      })
    ).json() as {
      events: Array<{
        type: string;
        qualificationId?: string;
        qualification?: { qualificationId: string };
      }>;
      next: number;
    };
    after = page.next;
    return page.events.map((e) => [e.type, e.qualificationId ?? e.qualification?.qualificationId]);
  };

  it('a registration with history goes to J-LIS with its five facts; a mismatch holds it until fixed', async () => {
    const b = await register(B, member({ cardNumber: 'B1' }));
    // Held until J-LIS agrees, even the first registration of the number.
    expect(b).toMatchObject({ checkStatus: 'jlis-pending', blocked: true });
    await runJlisChecks();
    expect(await registration(B, b.qualificationId)).toMatchObject({
      checkStatus: 'jlis-verified',
      blocked: false,
    });
    expect(await newEvents()).toEqual([['qualification.upserted', b.qualificationId]]);

    // A registers the same person after a job change with an address J-LIS does not have: history
    // agrees (birth date, kana), which before 2023 was the end of it.
    const a = await register(A, member({ cardNumber: 'A1', address: '大阪府大阪市北区梅田1-1-1' }));
    expect(a).toMatchObject({ checkStatus: 'jlis-pending', blocked: true });
    await runJlisChecks();
    expect(await registration(A, a.qualificationId)).toMatchObject({
      checkStatus: 'jlis-mismatch',
      blocked: true,
    });
    // Never published while held.
    expect(await newEvents()).toEqual([]);
    const notices = (
      await app.inject({
        method: 'GET',
        url: '/v1/notifications?kind=JLIS_MISMATCH',
        headers: as(A),
      })
    ).json().notifications;
    expect(notices).toMatchObject([{ source: 'jlis', facts: ['address'] }]);

    // The insurer fixes the address: checked again, agreed, published.
    const fixed = await register(A, member({ cardNumber: 'A1', address: RESIDENT.address }));
    expect(fixed).toMatchObject({ qualificationId: a.qualificationId, blocked: true });
    await runJlisChecks();
    expect(await registration(A, a.qualificationId)).toMatchObject({
      checkStatus: 'jlis-verified',
      blocked: false,
    });
    // Events are read as the registration is now (the fix's own event too): served, never withheld.
    const served = await newEvents();
    expect(served.length).toBeGreaterThan(0);
    expect(new Set(served.map((e) => e.join(' ')))).toEqual(
      new Set([`qualification.upserted ${a.qualificationId}`]),
    );
  });

  it('a published card that stops matching travels as withheld; confirmed with a reason, it is served', async () => {
    const list = (
      await app.inject({ method: 'GET', url: '/v1/registrations', headers: as(B) })
    ).json().registrations as Array<{ qualificationId: string; cardNumber: string }>;
    const b = list.find((r) => r.cardNumber === 'B1')!;
    // B re-registers its member with 性別 unset: the kana and birth date still agree with A's.
    await register(B, member({ cardNumber: 'B1', sex: '3' }));
    expect(await newEvents()).toEqual([['qualification.withheld', b.qualificationId]]);
    await runJlisChecks();
    expect(await registration(B, b.qualificationId)).toMatchObject({
      checkStatus: 'jlis-mismatch',
      blocked: true,
    });
    const confirmed = await app.inject({
      method: 'POST',
      url: `/v1/registrations/${b.qualificationId}/resolution`,
      headers: as(B),
      payload: { action: 'confirm', reason: '性別は本人申告により未設定' },
    });
    expect(confirmed.json()).toMatchObject({ checkStatus: 'confirmed', blocked: false });
    expect(await newEvents()).toEqual([['qualification.upserted', b.qualificationId]]);
  });

  it('the same J-LIS conflict filed again the next day is not told twice; a change at J-LIS is', async () => {
    const M2 = myNumberFromBody('66666666666');
    residents.set(M2, RESIDENT);
    const wrong = member({ myNumber: M2, cardNumber: 'A2', address: '大阪府大阪市北区梅田1-1-1' });
    const a = await register(A, wrong);
    await runJlisChecks();
    const told = async () =>
      (
        (
          await app.inject({
            method: 'GET',
            url: '/v1/notifications?kind=JLIS_MISMATCH',
            headers: as(A),
          })
        ).json().notifications as Array<{ qualificationId: string }>
      ).filter((n) => n.qualificationId === a.qualificationId).length;
    expect(await told()).toBe(1);
    // The insurer's next daily file carries the same record (the address in another notation).
    for (const day of [1, 2]) {
      now = new Date(now.getTime() + 86_400_000);
      await register(A, { ...wrong, address: '大阪府大阪市北区梅田一丁目1番1号' });
      await runJlisChecks();
      expect(await registration(A, a.qualificationId)).toMatchObject({
        checkStatus: 'jlis-mismatch',
        blocked: true,
      });
      expect(await told(), `day ${day}`).toBe(1);
    }
    // She moves (J-LIS's answer changes): another conflict, told once more.
    residents.set(M2, { ...RESIDENT, address: '東京都港区芝公園4-2-8' });
    await register(A, wrong);
    await runJlisChecks();
    expect(await told()).toBe(2);
  });
});
