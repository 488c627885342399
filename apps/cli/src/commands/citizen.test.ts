import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deriveCardKeyPair, verifyCardSignature } from '@shikaku/core/card-key';
import { createLogger } from '@shikaku/platform/logger';
import { buildApp } from '@shikaku/reader-emulator/app';
import {
  type EmulatorFixture,
  startEmulatorFixture,
} from '@shikaku/reader-emulator/testing/emulator-fixture';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../testing/run-command.js';
import { type CitizenOverview, registerCitizenCommand } from './citizen.js';

const SECRET = 'card-issuing-secret-for-tests';

const OVERVIEW: CitizenOverview = {
  asOf: '2021-07-15',
  qualifications: [
    {
      state: 'current',
      document: { kind: 'insurance-card', validTo: null },
      insurerNumber: '01130012',
      insurerName: '全国健康保険協会 東京支部',
      insuredCardSymbol: '1234',
      insuredIdentificationNumber: '5678',
      insuredBranchNumber: '00',
      name: '資格 花子',
      qualificationDate: '2020-04-01',
      disqualificationDate: null,
      copayRatio: '030',
    },
  ],
  drugInformation: [
    { dispensedOn: '2021-06-01', drugName: 'アムロジピン錠5mg', quantity: 1, days: 28 },
  ],
  checkups: [
    {
      checkedOn: '2020-10-01',
      heightCm: 158,
      weightKg: 52,
      waistCm: 70,
      systolic: 118,
      diastolic: 72,
      hba1c: 5.4,
    },
  ],
  consents: [
    {
      institutionCode: '0110113719',
      consTime: '2021-07-15T01:00:00.000Z',
      availableTime: '2021-07-16T01:00:00.000Z',
      expired: false,
      specificHealthCheckups: true,
      pharmacists: true,
      diagnosis: false,
      operations: false,
      limitApplicationCertificate: false,
    },
  ],
  accessLog: [
    {
      at: '2021-07-15T01:00:00.000Z',
      institutionCode: '0110113719',
      institutionName: '医院 0110113719',
      kind: 'card-confirmation',
      items: ['qualification'],
    },
  ],
};

/** Sessions the command signed out of. */
const signedOut = new Set<string>();

/** eligibility-api's citizen routes, as far as the command uses them. */
function fakeEligibility(): Server {
  const challenges = new Set<string>();
  let next = 0;
  return createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += String(chunk)));
    request.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, string>) : {};
      const send = (status: number, value: unknown) =>
        response
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify(value));
      if (request.url === '/v1/citizen/challenges') {
        const challenge = `challenge-${++next}`;
        challenges.add(challenge);
        return send(201, { challenge });
      }
      if (request.url === '/v1/citizen/sessions') {
        const known = challenges.delete(body.challenge!);
        const key = deriveCardKeyPair(SECRET, body.certificateSerial!).publicKeyPem;
        return known && verifyCardSignature(key, body.challenge!, body.signature!)
          ? send(201, { sessionToken: 'session-1' })
          : send(401, { code: 'SIGNATURE_INVALID', message: 'no' });
      }
      const live =
        request.headers.authorization === 'Bearer session-1' && !signedOut.has('session-1');
      if (request.url === '/v1/citizen/overview' && live) return send(200, OVERVIEW);
      if (request.url === '/v1/citizen/sessions/current' && request.method === 'DELETE' && live) {
        signedOut.add('session-1');
        return void response.writeHead(204).end();
      }
      return send(401, { code: 'SESSION_REQUIRED', message: 'sign in' });
    });
  });
}

describe('shikaku citizen', () => {
  let fixture: EmulatorFixture;
  let reader: Awaited<ReturnType<typeof buildApp>>;
  let eligibility: Server;
  let urls: string[];
  beforeEach(async () => {
    fixture = await startEmulatorFixture();
    reader = await buildApp(
      { docs: false },
      {
        emulator: fixture.emulator,
        logger: createLogger({ name: 'test', level: 'silent' }),
        cardKeySecret: SECRET,
      },
    );
    const readerUrl = await reader.listen({ host: '127.0.0.1', port: 0 });
    eligibility = fakeEligibility();
    await new Promise<void>((done) => eligibility.listen(0, '127.0.0.1', done));
    const port = (eligibility.address() as AddressInfo).port;
    urls = ['--eligibility-url', `http://127.0.0.1:${port}`, '--reader-url', readerUrl];
  });
  afterEach(async () => {
    await reader.close();
    await new Promise((done) => eligibility.close(done));
    await fixture.close();
  });

  const run = (args: string[], input = '') =>
    runCommand(registerCitizenCommand, ['citizen', ...urls, ...args], input);

  it('signs in with the card and its PIN (asked when not given), prints each section and signs out', async () => {
    signedOut.clear();
    const text = await run(['--card', 'REGISTERED-0001'], '1234\n');
    expect(signedOut).toEqual(new Set(['session-1']));
    for (const heading of [
      '■ 資格情報',
      '■ 薬剤情報（過去3年',
      '■ 特定健診情報（過去5年',
      '■ 同意',
      '■ アクセス記録',
    ])
      expect(text).toContain(heading);
    expect(text).toContain('[加入中] 全国健康保険協会 東京支部（01130012）');
    expect(text).toContain('資格取得 2020-04-01 負担割合 3割');
    expect(text).toContain('有効期限 2021-07-16 10:00');
    expect(text).toContain('資格確認（マイナンバーカード）');
  });

  it('locks the card after three wrong PINs; then even the right PIN signs nothing', async () => {
    const attempt = (pin: string) => run(['--card', 'REGISTERED-0001', '--pin', pin]);
    await expect(attempt('0000')).rejects.toMatchObject({ code: 'PIN_MISMATCH' });
    await expect(attempt('0001')).rejects.toMatchObject({ code: 'PIN_MISMATCH' });
    await expect(attempt('0002')).rejects.toMatchObject({ code: 'CARD_LOCKED' });
    await expect(attempt('1234')).rejects.toMatchObject({ code: 'CARD_LOCKED' });
  });
});
