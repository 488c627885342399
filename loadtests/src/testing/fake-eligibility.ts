import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoadFixtures } from '../fixtures.js';

/**
 * A small stand-in for eligibility-api with the same paths and answer shapes (its README), so the
 * runner is tested without the real app. It checks tokens, knows the fixtures' insured people and
 * cards, and can be told to slow down or fail.
 */
export interface FakeEligibility {
  url: string;
  requests: Array<{ method: string; path: string; headers: Record<string, string>; body: string }>;
  /** Milliseconds every answer waits. */
  delayMs: number;
  /** Answer 503 to this share of searches. */
  failShare: number;
  close(): Promise<void>;
}

const read = (req: IncomingMessage) =>
  new Promise<string>((done) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => done(body));
  });

export async function startFakeEligibility(fixtures: LoadFixtures): Promise<FakeEligibility> {
  const tokens = new Map<string, string>();
  const registered = new Set<string>();
  let consentCount = 0;
  let searchCount = 0;
  const known = new Set(
    fixtures.insured.map((p) => `${p.insurerNumber}/${p.insuredIdentificationNumber}`),
  );
  const fake: FakeEligibility = {
    url: '',
    requests: [],
    delayMs: 0,
    failShare: 0,
    close: () => new Promise((done) => server.close(() => done())),
  };
  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    const path = req.url ?? '/';
    fake.requests.push({
      method: req.method ?? 'GET',
      path,
      headers: req.headers as Record<string, string>,
      body,
    });
    if (fake.delayMs) await new Promise((done) => setTimeout(done, fake.delayMs));
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : auth;
    if (path === '/oqs-api-pro/MSA12020/ILI12020SV01/auth') {
      const { clientId, clientSecret } = JSON.parse(body) as {
        clientId: string;
        clientSecret: string;
      };
      const institution = fixtures.institutions.find(
        (i) => i.clientId === clientId && i.clientSecret === clientSecret,
      );
      if (!institution) return json(401, { status: '1', msg: 'bad credentials', result: null });
      const idToken = `tok-${clientId}`;
      tokens.set(idToken, institution.institutionCode);
      return json(200, {
        status: '0',
        msg: '',
        result: { accessToken: idToken, refreshToken: 'r', idToken, linkSysCharCd: '0' },
      });
    }
    if (!tokens.has(token)) return json(401, { code: 'UNAUTHENTICATED', message: 'no token' });
    if (path === '/oqs-api-pro/MSA01030/ILI01030SV01/search') {
      searchCount++;
      const info = (
        JSON.parse(body) as {
          XmlMsg: { MessageBody: { QualificationConfirmSearchInfo: Record<string, string> } };
        }
      ).XmlMsg.MessageBody.QualificationConfirmSearchInfo;
      if (fake.failShare > 0 && searchCount % Math.round(1 / fake.failShare) === 0)
        return json(503, { code: 'UPSTREAM_UNAVAILABLE', message: 'x' });
      const found = known.has(`${info.InsurerNumber}/${info.InsuredIdentificationNumber}`);
      return json(200, {
        XmlMsg: {
          MessageHeader: {
            SegmentOfResult: '1',
            ReferenceClassification: '2',
            CharacterCodeIdentifier: '0',
          },
          MessageBody: {
            ProcessingResultStatus: '1',
            QualificationValidity: found ? '1' : '4',
            ResultList: {},
          },
        },
      });
    }
    if (path === '/v1/card-registrations') {
      const { certificateSerial } = JSON.parse(body) as { certificateSerial: string };
      if (registered.has(certificateSerial))
        return json(409, { code: 'ALREADY_REGISTERED', message: 'x' });
      registered.add(certificateSerial);
      return json(201, { registered: true });
    }
    if (path === '/v1/card-confirmations') {
      const { certificateSerial } = JSON.parse(body) as { certificateSerial: string };
      if (!registered.has(certificateSerial))
        return json(404, { code: 'CARD_NOT_REGISTERED', message: 'x' });
      return json(200, {
        qualificationValidity: '1',
        consents: { consentId: `consent-${++consentCount}`, pharmacists: true },
        results: [],
      });
    }
    if (path === '/v1/bulk-inquiries')
      return json(202, { receptionNumber: 'R1', status: 'accepted' });
    if (/^\/v1\/consents\/consent-\d+\/(drug|checkup)-information$/.test(path))
      return json(200, { items: [] });
    return json(404, { code: 'NOT_FOUND', message: path });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** Deterministic fixtures shaped like the synthetic population's (no My Number). */
export function sampleFixtures(n = 50): LoadFixtures {
  return {
    seed: 1,
    confirmationDate: '2025-10-06',
    institutions: Array.from({ length: 4 }, (_, i) => ({
      institutionCode: `13${i % 2 === 0 ? 1 : 4}000000${i}`.slice(0, 10),
      clientId: `client-${i}`,
      clientSecret: `secret-${i}`,
      practitioner: {
        certificateSerial: `HPKI-SAMPLE-${i}`,
        privateKeyJwk: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
          format: 'jwk',
        }) as Record<string, string>,
      },
    })),
    insured: Array.from({ length: n }, (_, i) => ({
      insurerNumber: '01130012',
      insuredCardSymbol: `記${i % 7}`,
      insuredIdentificationNumber: String(100_000 + i),
      insuredBranchNumber: '00',
      birthDate: `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
    })),
    cards: Array.from({ length: 10 }, (_, i) => ({
      certificateSerial: `CERT${String(i).padStart(6, '0')}`,
    })),
  };
}
