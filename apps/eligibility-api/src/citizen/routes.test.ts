import type {} from '@shikaku/db/testing/global-setup';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkupHistory, drugHistory } from '../history.js';
import {
  CLINIC_A,
  MY_NUMBER,
  recordingInject,
  seedQualifications,
  snapshot,
} from '../testing/fixture.js';
import { cardSigns, type CitizenFixture, citizenSignIn, createCitizenFixture } from './testing.js';

const HANAKO = 'SERIAL-HANAKO';
const TARO = 'SERIAL-TARO';

describeEachDatabase('citizen sign-in with the card, and their own data', ({ handle }) => {
  let f: CitizenFixture;
  const { bodies, inject } = recordingInject(() => f.app);
  const { challenge, answer } = citizenSignIn(inject);

  beforeAll(async () => {
    f = await createCitizenFixture(handle());
    await seedQualifications(handle(), [
      { personRef: 'p-hanako', qualification: snapshot() },
      {
        personRef: 'p-hanako',
        qualification: snapshot({
          qualificationId: 'q-hanako-old',
          insurerNumber: '138057',
          insuredCardSymbol: '55',
          insuredIdentificationNumber: '66',
          qualificationDate: '2010-04-01',
          disqualificationDate: '2020-04-01',
          reasonOfLoss: '1',
        }),
      },
      {
        personRef: 'p-taro',
        qualification: snapshot({
          qualificationId: 'q-taro',
          insuredIdentificationNumber: '9999',
          name: '資格 太郎',
          nameKana: 'シカク タロウ',
          sex: '1',
          birthDate: '1960-05-05',
          // A 資格確認書 holder (issued after 2024-12-02 in this record).
          cardIssuedOn: '2024-12-10',
          cardValidTo: '2029-12-01',
        }),
      },
    ]);
    // 保険証利用登録 and a confirmation with consents at a clinic, for Hanako and Taro.
    await f.issueCards(
      [
        { serial: HANAKO, personRef: 'p-hanako' },
        { serial: TARO, personRef: 'p-taro' },
        { serial: 'SERIAL-UNLINKED', personRef: 'p-nobody', registered: false },
      ],
      inject,
    );
    const auth = { authorization: `Bearer ${await f.token()}` };
    const confirmed = await f.confirmCard(
      HANAKO,
      { pharmacists: true, specificHealthCheckups: true },
      inject,
    );
    const viewUrl = `/v1/consents/${confirmed.consents.consentId}/drug-information`;
    const pharmacist = await f.practitioner('pharmacist');
    const viewed = await inject({
      method: 'GET',
      url: viewUrl,
      headers: { ...auth, ...pharmacist.proof('GET', viewUrl) },
    });
    expect(viewed.statusCode).toBe(200);
  });
  afterAll(async () => {
    await f?.close();
    // The privacy boundary: no citizen answer carries the My Number.
    expect(bodies.length).toBeGreaterThan(10);
    for (const body of bodies) expect(body).not.toContain(MY_NUMBER);
  });

  const signIn = async (serial: string) => {
    const nonce = await challenge(serial);
    const response = await answer(serial, nonce, cardSigns(serial, nonce));
    expect(response.statusCode).toBe(201);
    return response.json().sessionToken as string;
  };
  const get = (url: string, headers: Record<string, string>) =>
    inject({ method: 'GET', url, headers });

  const SECTIONS = [
    '/v1/citizen/qualifications',
    '/v1/citizen/drug-information',
    '/v1/citizen/checkups',
    '/v1/citizen/consents',
    '/v1/citizen/access-log',
    '/v1/citizen/overview',
  ];

  it('refuses a bare certificate serial on every section (the old access-log header opens nothing)', async () => {
    for (const url of SECTIONS) {
      const response = await get(url, { 'x-certificate-serial': HANAKO });
      expect(response.statusCode, url).toBe(401);
      expect(response.json().code).toBe('SESSION_REQUIRED');
    }
  });

  it('signs in with the card and shows the citizen their own sections', async () => {
    const headers = { authorization: `Bearer ${await signIn(HANAKO)}` };
    const overview = (await get('/v1/citizen/overview', headers)).json();
    expect(overview.asOf).toBe('2021-07-15');
    // Current and past qualifications, each with its document.
    expect(
      overview.qualifications.map((q: { state: string; insurerNumber: string }) => [
        q.state,
        q.insurerNumber,
      ]),
    ).toEqual([
      ['current', '01130012'],
      ['past', '138057'],
    ]);
    expect(overview.qualifications[0].document.kind).toBe('insurance-card');
    // Drug information and checkups are the person's own histories (3 and 5 years).
    const subject = { personRef: 'p-hanako', birthDate: '1989-09-13', sex: '2' };
    expect(overview.drugInformation.length).toBeGreaterThan(0);
    expect(overview.drugInformation).toEqual(drugHistory(7, subject, '2021-07-15'));
    expect(overview.checkups).toEqual(checkupHistory(7, subject, '2021-07-15'));
    // The consent given at the clinic, and when it expires (24 hours).
    expect(overview.consents).toEqual([
      expect.objectContaining({
        consTime: '2021-07-15T01:00:00.000Z',
        availableTime: '2021-07-16T01:00:00.000Z',
        expired: false,
        pharmacists: true,
        specificHealthCheckups: true,
      }),
    ]);
    // Who looked: the card confirmation and the pharmacist's drug view.
    expect(overview.accessLog.map((e: { kind: string }) => e.kind).sort()).toEqual([
      'card-confirmation',
      'drug-information',
    ]);
    // The view names the practitioner's role and the institution; the confirmation names none.
    const view = overview.accessLog.find((e: { kind: string }) => e.kind === 'drug-information');
    expect(view).toMatchObject({ practitionerRole: 'pharmacist', institutionCode: CLINIC_A });
    expect(
      overview.accessLog.find((e: { kind: string }) => e.kind === 'card-confirmation'),
    ).not.toHaveProperty('practitionerRole');
    // Each section has its own route with the same content.
    expect((await get('/v1/citizen/access-log', headers)).json().entries).toEqual(
      overview.accessLog,
    );
    const drugs = (await get('/v1/citizen/drug-information', headers)).json();
    expect(drugs).toMatchObject({ years: 3, items: overview.drugInformation });
    expect((await get('/v1/citizen/checkups', headers)).json().years).toBe(5);
    expect((await get('/v1/citizen/consents', headers)).json().consents).toEqual(overview.consents);
  });

  it('shows each citizen only their own data', async () => {
    const headers = { authorization: `Bearer ${await signIn(TARO)}` };
    const overview = (await get('/v1/citizen/overview', headers)).json();
    expect(overview.qualifications).toHaveLength(1);
    expect(overview.qualifications[0]).toMatchObject({
      name: '資格 太郎',
      state: 'current',
      document: { kind: 'qualification-certificate', validTo: '2029-12-01' },
    });
    expect(overview.consents).toEqual([]);
    // Taro was registered at the clinic but nobody looked at his data.
    expect(overview.accessLog).toEqual([]);
    expect(JSON.stringify(overview)).not.toContain('花子');
  });

  it("refuses a forged signature: another card's key, garbage, or a signature over another challenge", async () => {
    for (const forged of [
      (nonce: string) => cardSigns(TARO, nonce),
      () => 'AAAA',
      () => cardSigns(HANAKO, 'another-challenge'),
    ]) {
      const nonce = await challenge(HANAKO);
      const response = await answer(HANAKO, nonce, forged(nonce));
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'SIGNATURE_INVALID', field: 'signature' });
    }
  });

  it('refuses a revoked certificate even with a good signature', async () => {
    f.upstream.cards.get(HANAKO)!.status = 'revoked';
    try {
      const nonce = await challenge(HANAKO);
      const response = await answer(HANAKO, nonce, cardSigns(HANAKO, nonce));
      expect(response.statusCode).toBe(409);
      expect(response.json().code).toBe('CARD_REVOKED');
    } finally {
      f.upstream.cards.get(HANAKO)!.status = 'valid';
    }
  });

  it("refuses a reused, an expired, another card's and an unknown challenge", async () => {
    const nonce = await challenge(HANAKO);
    const signature = cardSigns(HANAKO, nonce);
    expect((await answer(HANAKO, nonce, signature)).statusCode).toBe(201);
    const reused = await answer(HANAKO, nonce, signature);
    expect(reused.statusCode).toBe(401);
    expect(reused.json()).toMatchObject({ code: 'CHALLENGE_INVALID', field: 'challenge' });

    // A refused answer consumes the challenge too: no second try on it.
    const once = await challenge(HANAKO);
    expect((await answer(HANAKO, once, 'AAAA')).statusCode).toBe(401);
    expect((await answer(HANAKO, once, cardSigns(HANAKO, once))).json().code).toBe(
      'CHALLENGE_INVALID',
    );

    const stale = await challenge(HANAKO);
    const issuedAt = f.clock.now();
    f.clock.set(new Date(issuedAt.getTime() + 5 * 60_000));
    try {
      expect((await answer(HANAKO, stale, cardSigns(HANAKO, stale))).json().code).toBe(
        'CHALLENGE_EXPIRED',
      );
    } finally {
      f.clock.set(issuedAt);
    }

    const taros = await challenge(TARO);
    expect((await answer(HANAKO, taros, cardSigns(HANAKO, taros))).json().code).toBe(
      'CHALLENGE_INVALID',
    );
    expect((await answer(HANAKO, 'made-up', cardSigns(HANAKO, 'made-up'))).json().code).toBe(
      'CHALLENGE_INVALID',
    );
  });

  it('refuses a certificate J-LIS does not know, a card not registered for insurance use, and J-LIS down', async () => {
    const unknown = await challenge('SERIAL-NOBODY');
    const refused = await answer('SERIAL-NOBODY', unknown, cardSigns('SERIAL-NOBODY', unknown));
    expect(refused.json().code).toBe('CARD_NOT_REGISTERED');
    const unlinked = await challenge('SERIAL-UNLINKED');
    const notLinked = await answer(
      'SERIAL-UNLINKED',
      unlinked,
      cardSigns('SERIAL-UNLINKED', unlinked),
    );
    expect(notLinked.statusCode).toBe(404);
    expect(notLinked.json().code).toBe('CARD_NOT_REGISTERED');
    f.jlis.down = true;
    try {
      const nonce = await challenge(HANAKO);
      const down = await answer(HANAKO, nonce, cardSigns(HANAKO, nonce));
      expect(down.statusCode).toBe(503);
      expect(down.json().code).toBe('CERTIFICATE_STATUS_UNAVAILABLE');
    } finally {
      f.jlis.down = false;
    }
  });

  it('ends a session after 30 minutes, and takes no institution token or altered token for one', async () => {
    const token = await signIn(HANAKO);
    const start = f.clock.now();
    f.clock.set(new Date(start.getTime() + 29 * 60_000));
    expect(
      (await get('/v1/citizen/consents', { authorization: `Bearer ${token}` })).statusCode,
    ).toBe(200);
    f.clock.set(new Date(start.getTime() + 30 * 60_000));
    try {
      const expired = await get('/v1/citizen/consents', { authorization: `Bearer ${token}` });
      expect(expired.json().code).toBe('SESSION_REQUIRED');
    } finally {
      f.clock.set(start);
    }
    const institution = await get('/v1/citizen/consents', {
      authorization: `Bearer ${await f.token()}`,
    });
    expect(institution.json().code).toBe('SESSION_REQUIRED');
    // A token naming another session (Taro's) under Hanako's MAC is no session.
    const [payload, mac] = token.split('.');
    const taros = JSON.parse(
      Buffer.from((await signIn(TARO)).split('.')[0]!, 'base64url').toString(),
    ) as { c: string };
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { c: string };
    const altered = Buffer.from(JSON.stringify({ ...claims, c: taros.c })).toString('base64url');
    const tampered = await get('/v1/citizen/consents', {
      authorization: `Bearer ${altered}.${mac}`,
    });
    expect(tampered.json().code).toBe('SESSION_REQUIRED');
  });
});
