// The insurance card's dates and the loss reason at the registration routes, single and bulk,
// through to the outbox that eligibility-api reads.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '@shikaku/core/clock';
import { insurerNumberFromBody } from '@shikaku/core/insurer-number';
import { myNumberFromBody } from '@shikaku/core/my-number';
import { upsertInsurer } from '@shikaku/db/intermediate/insurers';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { createLogger } from '@shikaku/platform/logger';
import { buildApp } from '../app.js';
import { hashKey } from '../auth.js';
import { testConfig } from '../testing/config.js';

const INSURER = insurerNumberFromBody('0113001');
const KEY = 'key-card-dates';

const config = testConfig();

const member = (n: number, overrides: Record<string, unknown> = {}) => ({
  myNumber: myNumberFromBody(String(77_000_000_000 + n)),
  cardSymbol: '88',
  cardNumber: `D${n}`,
  branchNumber: '00',
  name: '資格 花子',
  nameKana: 'シカク ハナコ',
  birthDate: '1989-09-13',
  sex: '2',
  address: '東京都千代田区',
  qualificationDate: '2021-04-01',
  ...overrides,
});

interface Snapshot {
  insuredIdentificationNumber: string;
  reasonOfLoss: string | null;
  cardIssuedOn: string | null;
  cardValidFrom: string | null;
  cardValidTo: string | null;
}

describeEachDatabase('registration routes: card dates and the loss reason', ({ handle }) => {
  let app: FastifyInstance;
  const clock = fixedClock(new Date('2021-07-15T01:00:00Z'));

  beforeAll(async () => {
    await upsertInsurer(
      handle(),
      { insurerNumber: INSURER, name: '保険者A', keyHash: hashKey(KEY), webhookUrl: null },
      clock.now(),
    );
    app = await buildApp(config, {
      handle: handle(),
      clock,
      logger: createLogger({ name: 'insurer-api', level: 'silent' }),
      jlis: { resident: async () => null, certificate: async () => null },
    });
  });
  afterAll(() => app.close());

  const auth = { authorization: `Bearer ${KEY}` };
  const register = (body: object) =>
    app.inject({ method: 'POST', url: '/v1/registrations', headers: auth, payload: body });
  const bulk = (contentType: string, payload: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/registrations/bulk',
      headers: { ...auth, 'content-type': contentType },
      payload,
    });
  /** The latest outbox snapshot of each card number. */
  const published = async (): Promise<Map<string, Snapshot>> => {
    const { events } = (
      await app.inject({
        method: 'GET',
        url: '/v1/outbox/qualifications?limit=1000',
        headers: { 'x-service-key': 'svc' },
      })
    ).json() as { events: Array<{ qualification: Snapshot }> };
    return new Map(
      events.map((e) => [e.qualification.insuredIdentificationNumber, e.qualification]),
    );
  };
  const memberOf = async (qualificationId: string) =>
    (
      await app.inject({
        method: 'GET',
        url: `/v1/registrations/${qualificationId}`,
        headers: auth,
      })
    ).json();

  it('stores the card dates given (ISO or 和暦) and publishes them', async () => {
    const response = await register(
      member(1, { cardIssuedOn: 'R3.4.5', cardValidFrom: '2021-04-01', cardValidTo: 'R4.3.31' }),
    );
    expect(response.statusCode).toBe(201);
    expect(await memberOf(response.json().qualificationId)).toMatchObject({
      cardIssuedOn: '2021-04-05',
      cardValidFrom: '2021-04-01',
      cardValidTo: '2022-03-31',
    });
    expect((await published()).get('D1')).toMatchObject({
      cardIssuedOn: '2021-04-05',
      cardValidFrom: '2021-04-01',
      cardValidTo: '2022-03-31',
    });
  });

  it('makes the card valid from the qualification date when cardValidFrom is not given', async () => {
    const response = await register(member(2, { qualificationDate: 'H31.4.1' }));
    expect(response.statusCode).toBe(201);
    expect((await published()).get('D2')).toMatchObject({
      cardIssuedOn: null,
      cardValidFrom: '2019-04-01',
      cardValidTo: null,
    });
  });

  it('publishes a change of the card dates as an update', async () => {
    const response = await register(
      member(1, { cardIssuedOn: 'R3.4.5', cardValidFrom: '2021-04-01', cardValidTo: '2023-03-31' }),
    );
    expect(response.json()).toMatchObject({ changed: true });
    expect((await published()).get('D1')).toMatchObject({ cardValidTo: '2023-03-31' });
  });

  it('rejects a card valid to a day before it is valid from, or from before birth', async () => {
    const early = await register(member(3, { cardValidTo: '2021-03-31' }));
    expect(early.statusCode).toBe(422);
    expect(early.json()).toMatchObject({
      code: 'INVALID_DATE',
      field: 'cardValidTo',
      errors: [expect.objectContaining({ reason: 'BEFORE_VALID_FROM' })],
    });
    const unborn = await register(member(3, { cardValidFrom: '1989-09-12' }));
    expect(unborn.json()).toMatchObject({
      code: 'INVALID_DATE',
      field: 'cardValidFrom',
      errors: [expect.objectContaining({ reason: 'BEFORE_BIRTH' })],
    });
    expect((await published()).has('D3')).toBe(false);
  });

  it('rejects a loss reason outside OQSCD008 without echoing it, and stores a good one', async () => {
    const bad = await register(
      member(4, { disqualificationDate: '2021-07-01', reasonOfLoss: 'ZZ-not-a-code' }),
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({
      code: 'INVALID_CODE',
      field: 'reasonOfLoss',
      errors: [expect.objectContaining({ field: 'reasonOfLoss', reason: 'NOT_IN_TABLE' })],
    });
    expect(bad.json().message).toContain('OQSCD008');
    expect(bad.body).not.toContain('ZZ-not-a-code');
    expect((await published()).has('D4')).toBe(false);

    const good = await register(
      member(4, { disqualificationDate: '2021-07-01', reasonOfLoss: '03' }),
    );
    expect(good.statusCode).toBe(201);
    expect((await published()).get('D4')).toMatchObject({ reasonOfLoss: '03' });
  });

  it('takes card dates and the loss reason as CSV columns: bad lines by number, good lines stored', async () => {
    const csv = [
      'myNumber,cardSymbol,cardNumber,name,nameKana,birthDate,address,qualificationDate,disqualificationDate,reasonOfLoss,cardIssuedOn,cardValidFrom,cardValidTo',
      `${member(10).myNumber},88,D10,資格 一郎,シカク イチロウ,S50.1.2,大阪府,2021-04-01,,,2021-04-03,,2021-09-30`,
      `${member(11).myNumber},88,D11,資格 二郎,シカク ジロウ,S51.2.3,大阪府,2021-04-01,2021-06-30,ZZ-not-a-code,,,`,
      `${member(12).myNumber},88,D12,資格 三郎,シカク サブロウ,S52.3.4,大阪府,2021-04-01,2021-06-30,01,R3.4.1,R3.4.1,`,
      `${member(13).myNumber},88,D13,資格 四郎,シカク シロウ,S53.4.5,大阪府,2021-04-01,,,,2021-05-01,2021-04-30`,
      `${member(14).myNumber},88,D14,資格 五郎,シカク ゴロウ,S54.5.6,大阪府,2021-04-01,,,2021-02-30,,`,
    ].join('\n');
    const response = await bulk('text/csv', csv);
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({ totalLines: 5, accepted: 2, rejected: 3 });
    expect(report.errors).toEqual([
      expect.objectContaining({ line: 3, field: 'reasonOfLoss', code: 'INVALID_CODE' }),
      expect.objectContaining({ line: 5, field: 'cardValidTo', code: 'INVALID_DATE' }),
      expect.objectContaining({ line: 6, field: 'cardIssuedOn', code: 'INVALID_DATE' }),
    ]);
    expect(response.body).not.toContain('ZZ-not-a-code');
    const snapshots = await published();
    expect(snapshots.get('D10')).toMatchObject({
      cardIssuedOn: '2021-04-03',
      cardValidFrom: '2021-04-01',
      cardValidTo: '2021-09-30',
      reasonOfLoss: null,
    });
    expect(snapshots.get('D12')).toMatchObject({
      cardIssuedOn: '2021-04-01',
      cardValidFrom: '2021-04-01',
      cardValidTo: null,
      reasonOfLoss: '01',
    });
    for (const card of ['D11', 'D13', 'D14']) expect(snapshots.has(card)).toBe(false);
  });

  it('takes them as NDJSON fields too', async () => {
    const ndjson = [
      JSON.stringify(member(20, { cardIssuedOn: '令和3年4月2日', cardValidTo: 'R4.7.31' })),
      JSON.stringify(
        member(21, { disqualificationDate: '2021-06-30', reasonOfLoss: 'ZZ-not-a-code' }),
      ),
    ].join('\n');
    const report = (await bulk('application/x-ndjson', ndjson)).json();
    expect(report).toMatchObject({ totalLines: 2, accepted: 1, rejected: 1 });
    expect(report.errors).toEqual([
      expect.objectContaining({ line: 2, field: 'reasonOfLoss', code: 'INVALID_CODE' }),
    ]);
    const snapshots = await published();
    expect(snapshots.get('D20')).toMatchObject({
      cardIssuedOn: '2021-04-02',
      cardValidFrom: '2021-04-01',
      cardValidTo: '2022-07-31',
    });
    expect(snapshots.has('D21')).toBe(false);
  });
});
