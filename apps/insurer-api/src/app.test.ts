import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '@shikaku/core/clock';
import { insurerNumberFromBody } from '@shikaku/core/insurer-number';
import type { PersonFacts } from '@shikaku/core/mis-entry';
import { myNumberFromBody } from '@shikaku/core/my-number';
import { upsertInsurer } from '@shikaku/db/intermediate/insurers';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { createLogger } from '@shikaku/platform/logger';
import { undocumentedOperations } from '@shikaku/platform/openapi';
import { buildApp } from './app.js';
import { hashKey } from './auth.js';
import { type JlisClient, JlisUnavailableError } from './jlis-client.js';
import { testConfig } from './testing/config.js';

const A = insurerNumberFromBody('0113001'); // registers now
const B = insurerNumberFromBody('0627001'); // registered earlier
const M1111 = myNumberFromBody('11111111111');
const M2222 = myNumberFromBody('22222222222');
const M3333 = myNumberFromBody('33333333333');
const M4444 = myNumberFromBody('44444444444');
const ALL_NUMBERS = [M1111, M2222, M3333, M4444];

const config = testConfig({ logLevel: 'debug' });

/** An in-memory J-LIS that can be taken down. */
class FakeJlis implements JlisClient {
  down = false;
  residents = new Map<string, PersonFacts>();
  certificates = new Map<string, { myNumber: string; status: string }>();
  async resident(myNumber: string) {
    if (this.down) throw new JlisUnavailableError('J-LIS answered 503');
    return this.residents.get(myNumber) ?? null;
  }
  async certificate(serial: string) {
    if (this.down) throw new JlisUnavailableError('J-LIS answered 503');
    return this.certificates.get(serial) ?? null;
  }
}

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

describeEachDatabase('insurer-api', ({ handle }) => {
  let app: FastifyInstance;
  const jlis = new FakeJlis();
  const logLines: string[] = [];
  const clock = fixedClock(new Date('2021-07-15T01:00:00Z'));

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
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => logLines.push(chunk.toString()));
    app = await buildApp(config, {
      handle: handle(),
      clock,
      logger: createLogger({ name: 'insurer-api', level: 'trace', destination: stream }),
      jlis,
    });
  });
  afterAll(() => app.close());

  const as = (insurer: string) => ({ authorization: `Bearer key-${insurer}` });
  const register = (insurer: string, body: object) =>
    app.inject({ method: 'POST', url: '/v1/registrations', headers: as(insurer), payload: body });
  const service = (method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { 'x-service-key': 'svc' },
      ...(payload ? { payload } : {}),
    });

  it('runs the seed examples: job change, birth-date mismatch, twins, no history → J-LIS', async () => {
    // Insurer B registered earlier.
    expect(
      (
        await register(B, member({ myNumber: M1111, cardNumber: 'B1', birthDate: 'H1.9.13' }))
      ).json(),
    ).toMatchObject({ outcome: 'NEEDS_JLIS', checkStatus: 'jlis-pending', jlisQueued: true });
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

    // Insurer A registers now. 1111: same person (job change), half-width kana is the same name.
    const same = await register(
      A,
      member({ myNumber: M1111, cardNumber: 'A1', birthDate: '1989-09-13', nameKana: 'ｼｶｸ ﾊﾅｺ' }),
    );
    expect(same.statusCode).toBe(201);
    expect(same.json()).toMatchObject({ outcome: 'CONSISTENT', suspected: false });
    const bd = await register(
      A,
      member({ myNumber: M2222, cardNumber: 'A2', birthDate: 'H3.7.4' }),
    );
    expect(bd.json()).toMatchObject({
      outcome: 'BIRTH_DATE_MISMATCH',
      checkStatus: 'birth-date-mismatch',
      suspected: true,
    });
    const twins = await register(
      A,
      member({
        myNumber: M4444,
        cardNumber: 'A4',
        birthDate: 'H16.8.4',
        nameKana: 'シカク ジロウ',
      }),
    );
    expect(twins.json()).toMatchObject({
      outcome: 'KANA_NAME_MISMATCH',
      checkStatus: 'kana-mismatch',
    });
    const newborn = await register(
      A,
      member({ myNumber: M3333, cardNumber: 'A3', birthDate: 'R3.03.01' }),
    );
    expect(newborn.json()).toMatchObject({ outcome: 'NEEDS_JLIS', jlisQueued: true });

    const notes = (
      await app.inject({ method: 'GET', url: '/v1/notifications', headers: as(A) })
    ).json().notifications;
    expect(notes.map((n: { kind: string }) => n.kind)).toEqual([
      'BIRTH_DATE_MISMATCH',
      'KANA_NAME_MISMATCH',
    ]);
    // Insurer B sees none of A's notifications.
    expect(
      (await app.inject({ method: 'GET', url: '/v1/notifications', headers: as(B) })).json()
        .notifications,
    ).toEqual([]);
  });

  it('retries J-LIS checks while J-LIS is down and notifies the result once it answers', async () => {
    jlis.down = true;
    // Four numbers had no history: B's 1111, 2222, 4444 and A's 3333.
    expect((await service('POST', '/v1/jobs/jlis-checks')).json()).toMatchObject({
      claimed: 4,
      deferred: 4,
    });
    jlis.down = false;
    jlis.residents.set(M3333, {
      name: '資格 花子',
      kanaName: 'シカク ハナコ',
      birthDate: '2021-03-01',
      sex: '2',
      address: '東京都千代田区霞が関1-2-2',
    });
    // The backoff has not passed on the fixed clock: nothing is due.
    expect((await service('POST', '/v1/jobs/jlis-checks')).json()).toMatchObject({ claimed: 0 });
    const later = fixedClock(new Date('2021-07-15T02:00:00Z'));
    const { runJlisChecksOnce } = await import('./jobs/jlis-checks.js');
    const run = await runJlisChecksOnce({
      handle: handle(),
      clock: later,
      jlis,
      logger: createLogger({ name: 't', level: 'silent' }),
      policy: config.policy,
      retryBaseMs: 1000,
      retryMaxMs: 60_000,
    });
    expect(run).toMatchObject({ claimed: 4, completed: 4 });
    const kinds = (await app.inject({ method: 'GET', url: '/v1/notifications', headers: as(A) }))
      .json()
      .notifications.map((n: { kind: string }) => n.kind);
    expect(kinds).toContain('JLIS_VERIFIED');
    const bKinds = (await app.inject({ method: 'GET', url: '/v1/notifications', headers: as(B) }))
      .json()
      .notifications.map((n: { kind: string }) => n.kind);
    // 1111, 2222 and 4444 are not known to this J-LIS.
    expect(bKinds.filter((k: string) => k === 'JLIS_NOT_FOUND')).toHaveLength(3);
  });

  it('validates every field and names it, with a stable code', async () => {
    const bad = await register(
      A,
      member({
        myNumber: '123456789019',
        cardNumber: 'A9',
        birthDate: 'H31.5.1',
        nameKana: 'しかくX',
      }),
    );
    expect(bad.statusCode).toBe(422);
    const body = bad.json();
    expect(body).toMatchObject({ code: 'INVALID_MY_NUMBER', field: 'myNumber' });
    expect(body.errors.map((e: { field: string }) => e.field)).toEqual([
      'myNumber',
      'nameKana',
      'birthDate',
    ]);
    const foreign = await register(
      A,
      member({ myNumber: M1111, insurerNumber: B, cardNumber: 'A9', birthDate: '1989-09-13' }),
    );
    expect(foreign.json()).toMatchObject({ code: 'INSURER_MISMATCH', field: 'insurerNumber' });
    const unauth = await app.inject({ method: 'GET', url: '/v1/registrations' });
    expect(unauth.statusCode).toBe(401);
  });

  it('refuses a My Number typed into a free-text field before anything is stored or published', async () => {
    const typed = myNumberFromBody('55555555555');
    const before = await service('GET', '/v1/outbox/qualifications?after=0&limit=5000');
    const response = await register(
      A,
      member({
        myNumber: myNumberFromBody('55555555556'),
        cardNumber: 'MN1',
        birthDate: '1990-01-01',
        address: `東京都 ${typed.slice(0, 4)}-${typed.slice(4, 8)}-${typed.slice(8)}`,
      }),
    );
    expect(response.json()).toMatchObject({ code: 'MY_NUMBER_IN_FREE_TEXT', field: 'address' });
    expect(response.statusCode).toBe(422);
    expect(response.body).not.toContain(typed.slice(4, 8));
    const after = await service('GET', '/v1/outbox/qualifications?after=0&limit=5000');
    expect(after.json().events).toHaveLength(before.json().events.length);
  });

  it('registers a CSV file in batches, lists bad lines, and a re-upload duplicates nothing', async () => {
    const csv = [
      'myNumber,cardSymbol,cardNumber,branchNumber,name,nameKana,birthDate,sex,address,qualificationDate',
      `${myNumberFromBody('55555555555')},77,C1,01,資格 一郎,シカク イチロウ,S50.1.2,1,大阪府,2021-04-01`,
      `${myNumberFromBody('55555555556')},77,C2,01,資格 二郎,シカク ジロウ,1976-02-03,1,大阪府,2021-04-01`,
      `123,77,C3,01,資格 三郎,シカク サブロウ,1977-03-04,1,大阪府,2021-04-01`,
      `${myNumberFromBody('55555555557')},77,C4,01,資格 四郎,シカク シロウ,H2.13.1,1,大阪府,2021-04-01`,
      `${M2222},77,C5,01,資格 花子,シカク ハナコ,H3.7.4,2,大阪府,2021-04-01`,
    ].join('\n');
    const upload = () =>
      app.inject({
        method: 'POST',
        url: '/v1/registrations/bulk',
        headers: { ...as(A), 'content-type': 'text/csv' },
        payload: csv,
      });
    const first = (await upload()).json();
    expect(first).toMatchObject({
      totalLines: 5,
      accepted: 3,
      rejected: 2,
      changed: 3,
      repeated: false,
    });
    expect(first.errors).toEqual([
      expect.objectContaining({ line: 4, field: 'myNumber', code: 'INVALID_MY_NUMBER' }),
      expect.objectContaining({ line: 5, field: 'birthDate', code: 'INVALID_DATE' }),
    ]);
    expect(first.suspicions).toBe(1); // 2222 again with H3.7.4 vs B's S62.9.13
    const notesBefore = (
      await app.inject({ method: 'GET', url: '/v1/notifications', headers: as(A) })
    ).json().notifications.length;
    const outboxBefore = (await service('GET', '/v1/outbox/qualifications?limit=5000')).json()
      .events.length;
    const again = (await upload()).json();
    expect(again).toMatchObject({
      accepted: 3,
      changed: 0,
      unchanged: 3,
      notifications: 0,
      repeated: true,
    });
    expect(
      (await app.inject({ method: 'GET', url: '/v1/notifications', headers: as(A) })).json()
        .notifications,
    ).toHaveLength(notesBefore);
    expect(
      (await service('GET', '/v1/outbox/qualifications?limit=5000')).json().events,
    ).toHaveLength(outboxBefore);
  });

  it('registers NDJSON with 和暦 dates and reports broken lines', async () => {
    const ndjson = [
      JSON.stringify(
        member({
          myNumber: myNumberFromBody('66666666666'),
          cardNumber: 'N1',
          birthDate: '平成元年9月13日',
        }),
      ),
      '{not json',
      '',
      JSON.stringify(
        member({
          myNumber: myNumberFromBody('66666666667'),
          cardNumber: 'N2',
          birthDate: 'R1.5.1',
        }),
      ),
    ].join('\n');
    const report = (
      await app.inject({
        method: 'POST',
        url: '/v1/registrations/bulk',
        headers: { ...as(A), 'content-type': 'application/x-ndjson' },
        payload: ndjson,
      })
    ).json();
    expect(report).toMatchObject({ totalLines: 3, accepted: 2, rejected: 1 });
    expect(report.errors).toEqual([expect.objectContaining({ line: 2, code: 'INVALID_JSON' })]);
    const unsupported = await app.inject({
      method: 'POST',
      url: '/v1/registrations/bulk',
      headers: { ...as(A), 'content-type': 'application/xml' },
      payload: '<x/>',
    });
    expect(unsupported.statusCode).toBe(415);
  });

  it('lets an insurer resolve its own suspicion only: confirm, or correct the number', async () => {
    const list = (
      await app.inject({
        method: 'GET',
        url: '/v1/registrations?checkStatus=birth-date-mismatch',
        headers: as(A),
      })
    ).json().registrations;
    const suspect = list.find((r: { cardNumber: string }) => r.cardNumber === 'A2');
    expect(suspect).toBeDefined();
    const path = `/v1/registrations/${suspect.qualificationId}`;
    expect((await app.inject({ method: 'GET', url: path, headers: as(B) })).statusCode).toBe(404);
    const confirm = await app.inject({
      method: 'POST',
      url: `${path}/resolution`,
      headers: as(A),
      payload: { action: 'confirm', reason: '本人に確認済み' },
    });
    expect(confirm.json()).toMatchObject({ checkStatus: 'confirmed', blocked: false });

    const kana = (
      await app.inject({
        method: 'GET',
        url: '/v1/registrations?checkStatus=kana-mismatch',
        headers: as(A),
      })
    ).json().registrations[0];
    const corrected = await app.inject({
      method: 'POST',
      url: `/v1/registrations/${kana.qualificationId}/resolution`,
      headers: as(A),
      payload: { action: 'correct', myNumber: myNumberFromBody('77777777777') },
    });
    expect(corrected.json()).toMatchObject({
      qualificationId: kana.qualificationId,
      myNumber: myNumberFromBody('77777777777'),
      checkStatus: 'jlis-pending',
    });
  });

  it('finds new suspicions in the re-match of no-history numbers', async () => {
    // The same new number twice in one batch, with different birth dates: neither saw the other.
    const fresh = myNumberFromBody('88888888888');
    const ndjson = [
      JSON.stringify(member({ myNumber: fresh, cardNumber: 'R1', birthDate: '2000-01-01' })),
      JSON.stringify(member({ myNumber: fresh, cardNumber: 'R2', birthDate: '2000-02-02' })),
    ].join('\n');
    const report = (
      await app.inject({
        method: 'POST',
        url: '/v1/registrations/bulk',
        headers: { ...as(A), 'content-type': 'application/x-ndjson' },
        payload: ndjson,
      })
    ).json();
    expect(report).toMatchObject({ accepted: 2, suspicions: 0 });
    const result = (await service('POST', '/v1/jobs/rematch')).json();
    // Both of these, and B's 2222 (no history when B registered it; A registered it since with
    // another birth date).
    expect(result.notified).toBe(3);
    const notes = (
      await app.inject({
        method: 'GET',
        url: '/v1/notifications?unacknowledged=true',
        headers: as(A),
      })
    ).json().notifications;
    expect(notes.filter((n: { message: string }) => n.message.startsWith('re-match'))).toHaveLength(
      2,
    );
    expect((await service('POST', '/v1/jobs/rematch')).json()).toEqual({
      rematched: 0,
      notified: 0,
    });
    const id = notes[0].id;
    const ack = await app.inject({
      method: 'POST',
      url: `/v1/notifications/${id}/acknowledge`,
      headers: as(A),
    });
    expect(ack.statusCode).toBe(204);
    const other = await app.inject({
      method: 'POST',
      url: `/v1/notifications/${id}/acknowledge`,
      headers: as(B),
    });
    expect(other.statusCode).toBe(404);
  });

  it('answers a certificate resolution with the personRef only', async () => {
    jlis.certificates.set('CERT1', { myNumber: M1111, status: 'valid' });
    const found = await service('POST', '/v1/internal/certificate-resolutions', {
      certificateSerial: 'CERT1',
    });
    expect(found.statusCode).toBe(200);
    expect(Object.keys(found.json())).toEqual(['personRef']);
    expect(found.body).not.toContain(M1111);
    const missing = await service('POST', '/v1/internal/certificate-resolutions', {
      certificateSerial: 'NOPE',
    });
    expect(missing.json()).toMatchObject({ code: 'PERSON_NOT_FOUND' });
    expect((await app.inject({ method: 'GET', url: '/v1/outbox/qualifications' })).statusCode).toBe(
      401,
    );
  });

  it('publishes the outbox without any My Number, one personRef per person', async () => {
    const { events } = (
      await service('GET', '/v1/outbox/qualifications?after=0&limit=5000')
    ).json();
    expect(events.length).toBeGreaterThan(5);
    const text = JSON.stringify(events);
    for (const n of ALL_NUMBERS) expect(text).not.toContain(n);
    expect(text).not.toMatch(/myNumber/i);
    const refs = new Set(
      events
        .filter((e: { qualification: { insuredIdentificationNumber: string } }) =>
          ['B1', 'A1'].includes(e.qualification.insuredIdentificationNumber),
        )
        .map((e: { personRef: string }) => e.personRef),
    );
    expect(refs.size).toBe(1);
    const page = (
      await service('GET', `/v1/outbox/qualifications?after=${events[1].sequence}&limit=1`)
    ).json();
    expect(page.events[0].sequence).toBe(events[2].sequence);
    expect(page.next).toBe(events[2].sequence);
  });

  it('never writes a My Number to the logs or to another schema', async () => {
    const logs = logLines.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const n of ALL_NUMBERS) expect(logs).not.toContain(n);
    const columns = await sql<{ table_schema: string; table_name: string; column_name: string }>`
      select table_schema, table_name, column_name from information_schema.columns
      where table_schema in ('eligibility', 'portal')
        and data_type in ('text', 'character', 'character varying', 'jsonb', 'json')`.execute(
      handle().db,
    );
    for (const c of columns.rows) {
      const hits = await sql<{ n: number }>`
        select count(*)::int as n from ${sql.table(`${c.table_schema}.${c.table_name}`)}
        where ${sql.ref(c.column_name)}::text similar to ${`%(${ALL_NUMBERS.join('|')})%`}`.execute(
        handle().db,
      );
      expect(hits.rows[0]?.n, `${c.table_schema}.${c.table_name}.${c.column_name}`).toBe(0);
    }
  });

  it('serves its OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/registrations',
        '/v1/registrations/bulk',
        '/v1/outbox/qualifications',
      ]),
    );
    expect(undocumentedOperations(doc)).toEqual([]);
  });
});
