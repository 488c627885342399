// One acceptance scenario per policy era, through the stack's HTTP APIs, each on its own stack
// whose --as-of date picks the rules: the seed's four examples and twins (2021), the five facts of
// every registration with a move and a job change (2023), a marriage whose old name is withheld at
// the clinic until the insurer fixes it (2024), the 2024-05 rule going on in the 2024-12 era for a
// 資格確認書 holder (2025, 2026), and an old 健康保険証 ending with 2025-12-01 beside a 資格確認書
// confirmed by its numbers (2025-01-15, 2025-12-02). Residents are driven through the J-LIS control
// API. Bad input (an unknown policy, a malformed resident) is refused and changes nothing.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { myNumberFromBody } from '@shikaku/core/my-number';
import { eligibilityApiComponent } from '../src/stack/eligibility-api.js';
import { insurerApiComponent } from '../src/stack/insurer-api.js';
import { jlisComponent } from '../src/stack/jlis.js';
import { type RunningStack, startStack } from '../src/stack/run-stack.js';
import { waitFor as waitForDefault } from './privacy-scan.js';
import { embeddedStackOptions } from './embedded-stack.js';

// The J-LIS job, the counterpart job and the outbox relay poll every second; a busy shared machine
// can be much slower.
const waitFor = <T>(what: string, probe: () => Promise<T | undefined>) =>
  waitForDefault(what, probe, 120_000);

const M1111 = myNumberFromBody('11111111111');
const M2222 = myNumberFromBody('22222222222');
const M3333 = myNumberFromBody('33333333333');
const M4444 = myNumberFromBody('44444444444');

/** A 資格確認書: issued after 2024-12-02 with the qualification's numbers, valid five years. */
const CERTIFICATE = { cardIssuedOn: '2024-12-10', cardValidTo: '2029-12-09' };

const HANAKO = {
  name: '資格 花子',
  nameKana: 'シカク ハナコ',
  birthDate: '1989-09-13',
  sex: '2',
  address: '東京都千代田区霞が関1-2-2',
};

interface Era {
  stack: RunningStack;
  dataDir: string;
  insurerNumbers: [string, string];
  /** Insurer 0 (A, registers now) or 1 (B, registered earlier). */
  insurer(i: 0 | 1, method: string, path: string, body?: unknown): Promise<Response>;
  register(i: 0 | 1, member: Record<string, unknown>): Promise<{ qualificationId: string }>;
  status(i: 0 | 1, qualificationId: string): Promise<{ checkStatus: string; blocked: boolean }>;
  settled(i: 0 | 1, qualificationId: string): Promise<{ checkStatus: string; blocked: boolean }>;
  resident(method: string, path: string, body?: unknown): Promise<Response>;
  /** The demo clinic's REST confirmation by insurer i's card numbers. */
  confirm(
    i: 0 | 1,
    cardNumber: string,
    birthDate: string,
  ): Promise<{ qualificationValidity: string; results: Array<Record<string, unknown>> }>;
  /** QualificationValidity at the demo clinic for insurer i's card. */
  validity(i: 0 | 1, cardNumber: string, birthDate: string): Promise<string>;
}

const eras: Era[] = [];
afterEach(async () => {
  for (const era of eras.splice(0)) {
    await era.stack.close();
    await rm(era.dataDir, { recursive: true, force: true });
  }
});

async function startEra(asOf: string): Promise<Era> {
  const dataDir = await mkdtemp(join(tmpdir(), `era-${asOf}-`));
  const stack = await startStack(
    [jlisComponent, insurerApiComponent, eligibilityApiComponent],
    embeddedStackOptions({
      asOf,
      seed: 13,
      members: 20,
      dataDir,
    }),
  );
  const url = (name: string) => stack.components.find((c) => c.name === name)!.url;
  const credentials = JSON.parse(
    await readFile(join(dataDir, 'insurer-credentials.json'), 'utf8'),
  ) as Array<{ insurerNumber: string; key: string }>;
  const call = (
    base: string,
    headers: Record<string, string>,
    method: string,
    path: string,
    body?: unknown,
  ) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const insurer = (i: 0 | 1, method: string, path: string, body?: unknown) =>
    call(
      url('insurer-api'),
      { authorization: `Bearer ${credentials[i]!.key}` },
      method,
      path,
      body,
    );
  const notes = stack.components.find((c) => c.name === 'eligibility-api')!.notes.join('\n');
  const [, clientId, clientSecret] = /clientId (\S+) clientSecret (\S+)/.exec(notes)!;
  const token = async () =>
    (
      (await (
        await call(url('eligibility-api'), {}, 'POST', '/v1/auth/token', { clientId, clientSecret })
      ).json()) as { idToken: string }
    ).idToken;
  const idToken = await token();
  const status = async (i: 0 | 1, id: string) =>
    (await (await insurer(i, 'GET', `/v1/registrations/${id}`)).json()) as {
      checkStatus: string;
      blocked: boolean;
    };
  const era: Era = {
    stack,
    dataDir,
    insurerNumbers: [credentials[0]!.insurerNumber, credentials[1]!.insurerNumber],
    insurer,
    async register(i, member) {
      const answer = await insurer(i, 'POST', '/v1/registrations', {
        cardSymbol: '1234',
        branchNumber: '00',
        postNumber: '100-0013',
        qualificationDate: '2021-04-01',
        ...member,
      });
      expect(answer.status).toBe(201);
      return (await answer.json()) as { qualificationId: string };
    },
    status,
    settled: (i, id) =>
      waitFor(`J-LIS to answer for ${id}`, async () => {
        const s = await status(i, id);
        return s.checkStatus === 'jlis-pending' ? undefined : s;
      }),
    resident: (method, path, body) =>
      call(url('jlis'), { 'x-control-key': stack.secrets.jlisControlKey }, method, path, body),
    async confirm(i, cardNumber, birthDate) {
      const answer = await call(
        url('eligibility-api'),
        { authorization: `Bearer ${idToken}` },
        'POST',
        '/v1/confirmations',
        {
          insurerNumber: credentials[i]!.insurerNumber,
          insuredCardSymbol: '1234',
          insuredIdentificationNumber: cardNumber,
          insuredBranchNumber: '00',
          birthDate,
        },
      );
      return (await answer.json()) as {
        qualificationValidity: string;
        results: Array<Record<string, unknown>>;
      };
    },
    validity: async (i, cardNumber, birthDate) =>
      (await era.confirm(i, cardNumber, birthDate)).qualificationValidity,
  };
  eras.push(era);
  return era;
}

/** The seed's examples: B registered earlier, A registers now. Answers A's registrations. */
async function seedExamples(era: Era) {
  await era.register(1, { ...HANAKO, myNumber: M1111, cardNumber: 'B1111' });
  await era.register(1, {
    ...HANAKO,
    myNumber: M2222,
    cardNumber: 'B2222',
    birthDate: '1987-09-13',
  });
  await era.register(1, {
    ...HANAKO,
    myNumber: M4444,
    cardNumber: 'B4444',
    birthDate: '2004-08-04',
    nameKana: 'シカク タロウ',
  });
  return {
    a1111: await era.register(0, { ...HANAKO, myNumber: M1111, cardNumber: 'A1111' }),
    a2222: await era.register(0, {
      ...HANAKO,
      myNumber: M2222,
      cardNumber: 'A2222',
      birthDate: '1991-07-04',
    }),
    a3333: await era.register(0, {
      ...HANAKO,
      myNumber: M3333,
      cardNumber: 'A3333',
      birthDate: '2021-03-01',
    }),
    a4444: await era.register(0, {
      ...HANAKO,
      myNumber: M4444,
      cardNumber: 'A4444',
      birthDate: '2004-08-04',
      nameKana: 'シカク ジロウ',
    }),
  };
}

describe('one scenario per era, through the stack', () => {
  it('2021-04: birth-date conflicts only; no J-LIS query, twins not yet compared', async () => {
    const era = await startEra('2021-04-15');
    expect(era.stack.policy).toMatchObject({ name: '2021-03', source: 'date' });
    const a = await seedExamples(era);
    expect((await era.status(0, a.a1111.qualificationId)).checkStatus).toBe('consistent');
    expect((await era.status(0, a.a2222.qualificationId)).checkStatus).toBe('birth-date-mismatch');
    expect((await era.status(0, a.a3333.qualificationId)).checkStatus).toBe('no-history');
    expect((await era.status(0, a.a4444.qualificationId)).checkStatus).toBe('consistent');
    await waitFor('the clinic to see the job change', async () =>
      (await era.validity(0, 'A1111', HANAKO.birthDate)) === '1' ? true : undefined,
    );
  }, 240_000);

  it('2021-07: twins compared, the newborn queried at J-LIS, the earlier insurer told', async () => {
    const era = await startEra('2021-07-15');
    expect(era.stack.policy).toMatchObject({ name: '2021-06' });
    const a = await seedExamples(era);
    expect((await era.status(0, a.a2222.qualificationId)).checkStatus).toBe('birth-date-mismatch');
    expect((await era.status(0, a.a4444.qualificationId)).checkStatus).toBe('kana-mismatch');
    expect((await era.settled(0, a.a3333.qualificationId)).checkStatus).toBe('jlis-not-found');
    const toB = await waitFor('B to learn of both conflicts', async () => {
      const list = (
        (await (
          await era.insurer(
            1,
            'GET',
            '/v1/notifications?kind=BIRTH_DATE_MISMATCH,KANA_NAME_MISMATCH',
          )
        ).json()) as { notifications: Array<{ kind: string; source: string; facts: string[] }> }
      ).notifications;
      return list.length >= 2 ? list : undefined;
    });
    expect(toB.map((n) => [n.kind, n.source, n.facts])).toEqual([
      ['BIRTH_DATE_MISMATCH', 'later-registration', ['birthDate']],
      ['KANA_NAME_MISMATCH', 'later-registration', ['kanaName']],
    ]);
  }, 240_000);

  it('2023-05: every registration checked on five facts: a move is verified, a stale address held', async () => {
    const era = await startEra('2023-05-01');
    expect(era.stack.policy).toMatchObject({ name: '2023-04' });
    expect(
      (await era.resident('POST', '/v1/control/residents', { myNumber: M1111, ...HANAKO })).status,
    ).toBe(201);
    const b = await era.register(1, { ...HANAKO, myNumber: M1111, cardNumber: 'B1111' });
    expect(await era.settled(1, b.qualificationId)).toMatchObject({
      checkStatus: 'jlis-verified',
      blocked: false,
    });
    // She moves: J-LIS first, then the new insurer (a job change) registers the new address.
    const moved = '大阪府大阪市北区梅田一丁目1番1号';
    expect(
      (await era.resident('PATCH', `/v1/control/residents/${M1111}`, { address: moved })).status,
    ).toBe(200);
    const a = await era.register(0, {
      ...HANAKO,
      myNumber: M1111,
      cardNumber: 'A1111',
      address: '大阪府大阪市北区梅田1-1-1',
    });
    expect(await era.settled(0, a.qualificationId)).toMatchObject({
      checkStatus: 'jlis-verified',
      blocked: false,
    });
    await waitFor('the clinic to see the new card', async () =>
      (await era.validity(0, 'A1111', HANAKO.birthDate)) === '1' ? true : undefined,
    );
    // B files its old card again (the stale address in another notation): checked again on all
    // five facts, held, withheld at the clinic.
    await era.register(1, {
      ...HANAKO,
      myNumber: M1111,
      cardNumber: 'B1111',
      address: '東京都千代田区霞が関一丁目2番2号',
    });
    expect(await era.settled(1, b.qualificationId)).toMatchObject({
      checkStatus: 'jlis-mismatch',
      blocked: true,
    });
    await waitFor('the clinic to stop seeing the stale card', async () =>
      (await era.validity(1, 'B1111', HANAKO.birthDate)) === '4' ? true : undefined,
    );
  }, 240_000);

  it('2024-06: a marriage: the old name is withheld until the insurer fixes it', async () => {
    const era = await startEra('2024-06-01');
    expect(era.stack.policy).toMatchObject({ name: '2024-05' });
    await era.resident('POST', '/v1/control/residents', { myNumber: M1111, ...HANAKO });
    const a = await era.register(0, { ...HANAKO, myNumber: M1111, cardNumber: 'A1111' });
    expect((await era.settled(0, a.qualificationId)).blocked).toBe(false);
    await waitFor('the clinic to see her', async () =>
      (await era.validity(0, 'A1111', HANAKO.birthDate)) === '1' ? true : undefined,
    );
    // She marries: J-LIS has the new name; the insurer's next filing still carries the old one.
    await era.resident('PATCH', `/v1/control/residents/${M1111}`, {
      name: '山田 花子',
      nameKana: 'ヤマダ ハナコ',
    });
    await era.register(0, {
      ...HANAKO,
      myNumber: M1111,
      cardNumber: 'A1111',
      // The next filing (the address in another notation) is checked again: the name differs.
      address: '東京都千代田区霞が関一丁目2番2号',
    });
    expect(await era.settled(0, a.qualificationId)).toMatchObject({
      checkStatus: 'jlis-mismatch',
      blocked: true,
    });
    await waitFor('the clinic to stop seeing her', async () =>
      (await era.validity(0, 'A1111', HANAKO.birthDate)) === '4' ? true : undefined,
    );
    await era.register(0, {
      ...HANAKO,
      myNumber: M1111,
      cardNumber: 'A1111',
      name: '山田 花子',
      nameKana: 'ヤマダ ハナコ',
    });
    expect(await era.settled(0, a.qualificationId)).toMatchObject({
      checkStatus: 'jlis-verified',
      blocked: false,
    });
    await waitFor('the clinic to see her again', async () =>
      (await era.validity(0, 'A1111', HANAKO.birthDate)) === '1' ? true : undefined,
    );
  }, 240_000);

  it.each(['2025-06-02', '2026-01-05'])(
    '%s: the 2024-12 era keeps the 2024-05 block; confirmed with a reason, served',
    async (asOf) => {
      const era = await startEra(asOf);
      expect(era.stack.policy).toMatchObject({ name: '2024-12' });
      // A malformed resident is refused and changes nothing.
      const bad = await era.resident('POST', '/v1/control/residents', {
        myNumber: M1111,
        ...HANAKO,
        birthDate: '2025-02-30',
      });
      expect(bad.status).toBe(422);
      expect(await bad.json()).toMatchObject({ code: 'INVALID_RESIDENT', field: 'birthDate' });
      // She has no マイナ保険証: her insurer issued a 資格確認書 (valid past 2025-12-01).
      const a = await era.register(0, {
        ...HANAKO,
        myNumber: M1111,
        cardNumber: 'A1111',
        ...CERTIFICATE,
      });
      // J-LIS does not know the number: held, never served.
      expect(await era.settled(0, a.qualificationId)).toMatchObject({
        checkStatus: 'jlis-not-found',
        blocked: true,
      });
      expect(await era.validity(0, 'A1111', HANAKO.birthDate)).toBe('4');
      const confirmed = await era.insurer(
        0,
        'POST',
        `/v1/registrations/${a.qualificationId}/resolution`,
        {
          action: 'confirm',
          reason: '住民票の写しで本人を確認済み',
        },
      );
      expect(await confirmed.json()).toMatchObject({ checkStatus: 'confirmed', blocked: false });
      await waitFor('the clinic to see her', async () =>
        (await era.validity(0, 'A1111', HANAKO.birthDate)) === '1' ? true : undefined,
      );
    },
    240_000,
  );

  it.each([
    ['2025-01-15', '1'],
    ['2025-12-02', '1'],
  ])(
    "%s: the 2024-12 era: an old card's numbers answer %s (the qualification), a 資格確認書 holder is confirmed by its numbers",
    async (asOf, oldCard) => {
      const era = await startEra(asOf);
      expect(era.stack.policy).toMatchObject({ name: '2024-12', from: '2024-12-02' });
      const TARO = { ...HANAKO, name: '資格 太郎', nameKana: 'シカク タロウ', sex: '1' };
      await era.resident('POST', '/v1/control/residents', { myNumber: M1111, ...HANAKO });
      await era.resident('POST', '/v1/control/residents', { myNumber: M2222, ...TARO });
      // Hanako's 健康保険証 was issued in 2021 with no end date; Taro holds a 資格確認書.
      const card = await era.register(0, {
        ...HANAKO,
        myNumber: M1111,
        cardNumber: 'A1111',
        cardIssuedOn: '2021-04-01',
      });
      const certificate = await era.register(0, {
        ...TARO,
        myNumber: M2222,
        cardNumber: 'A2222',
        ...CERTIFICATE,
      });
      for (const { qualificationId } of [card, certificate])
        expect(await era.settled(0, qualificationId)).toMatchObject({
          checkStatus: 'jlis-verified',
          blocked: false,
        });
      const taro = await waitFor('the clinic to see the 資格確認書', async () => {
        const answer = await era.confirm(0, 'A2222', TARO.birthDate);
        return answer.qualificationValidity === '1' ? answer : undefined;
      });
      expect(taro.results[0]).toMatchObject({
        cardIssuedOn: '2024-12-10',
        cardValidTo: '2029-12-09',
      });
      // The old card, by its numbers: its qualification answers on both dates (the card ended on
      // 2025-12-01, the qualification did not), and the card's end is shown as 2025-12-01.
      const hanako = await waitFor('the clinic to see the card', async () => {
        const answer = await era.confirm(0, 'A1111', HANAKO.birthDate);
        return answer.results.length > 0 ? answer : undefined;
      });
      expect(hanako.qualificationValidity).toBe(oldCard);
      expect(hanako.results[0]).toMatchObject({ cardValidTo: '2025-12-01' });
    },
    240_000,
  );

  it('an unknown policy name is refused before anything starts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'era-bad-'));
    try {
      await expect(
        startStack(
          [jlisComponent],
          embeddedStackOptions({
            asOf: '2024-06-01',
            policy: '2024',
            seed: 13,
            members: 5,
            dataDir,
          }),
        ),
      ).rejects.toThrow(/unknown policy "2024"/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
