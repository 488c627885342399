import Fastify, { type FastifyInstance } from 'fastify';
import type { QualificationView } from '@shikaku/core/qualification-view';
import type { CardConfirmation } from '../card-confirmation.js';

/**
 * A small stand-in for eligibility-api in tests: it speaks the shapes its README documents
 * (token login, card registration, card confirmation, the spec search) over a real socket, and
 * records every request so tests can check what the reader sent.
 */
export interface FakeEligibility {
  url: string;
  requests: Array<{ method: string; url: string; authorization?: string; body: unknown }>;
  /** certificate serial → its state at the fake. */
  cards: Map<string, 'registered' | 'unregistered' | 'revoked' | 'expired'>;
  /** Makes the next n calls answer 503. */
  failNext(n: number): void;
  /** Invalidates the issued token, as a restart or expiry would; logins get a new one. */
  rotateToken(): void;
  close(): Promise<void>;
}

export const FAKE_CREDENTIALS = { clientId: 'client-1', clientSecret: 'secret-1' };
export const FAKE_INSTITUTION = '0110113719';
export const FAKE_SERVICE_KEY = 'fake-eligibility-service-key';

export const FAKE_QUALIFICATION: QualificationView = {
  insuredCardClassification: '01',
  insurerNumber: '01130012',
  insurerName: '全国健康保険協会 北海道支部',
  insuredCardSymbol: '1234',
  insuredIdentificationNumber: '5678',
  insuredBranchNumber: '00',
  personalFamilyClassification: '1',
  name: '資格 花子',
  nameKana: 'ｼｶｸ ﾊﾅｺ',
  sex: '2',
  birthDate: '1989-09-13',
  address: '北海道札幌市中央区北1条西2丁目',
  postNumber: '0600001',
  qualificationDate: '2015-04-01',
  disqualificationDate: null,
  cardIssuedOn: '2015-04-03',
  cardValidFrom: '2015-04-01',
  cardValidTo: null,
  reasonOfLoss: null,
  copayRatio: '030',
  preschool: false,
  elderlyRecipientCertificate: null,
  limitApplicationCertificate: null,
};

export async function startFakeEligibility(): Promise<FakeEligibility> {
  const app: FastifyInstance = Fastify();
  const requests: FakeEligibility['requests'] = [];
  const cards: FakeEligibility['cards'] = new Map();
  let failures = 0;
  let confirmations = 0;
  let tokenNumber = 1;
  let token = 'id-token-1';

  app.addHook('onRequest', async (request, reply) => {
    if (failures > 0) {
      failures -= 1;
      return reply.status(503).send({ code: 'UPSTREAM_UNAVAILABLE', message: 'down' });
    }
  });
  app.addHook('preHandler', async (request) => {
    requests.push({
      method: request.method,
      url: request.url,
      authorization: request.headers.authorization,
      body: request.body,
    });
  });
  const bearer = (value: string | undefined) => value === `Bearer ${token}`;

  // What the portal (and the stack) call to register an institution and make its credential.
  app.post('/v1/internal/institutions', async (request, reply) => {
    if (request.headers['x-service-key'] !== FAKE_SERVICE_KEY)
      return reply.status(401).send({ code: 'UNAUTHENTICATED', message: 'service key' });
    return reply
      .status(201)
      .send({ institutionCode: (request.body as { institutionCode: string }).institutionCode });
  });
  // The stack registers a sample practitioner per reader institution (apps/cli stack).
  let practitioners = 0;
  app.post('/v1/internal/institutions/:code/practitioners', async (request, reply) => {
    if (request.headers['x-service-key'] !== FAKE_SERVICE_KEY)
      return reply.status(401).send({ code: 'UNAUTHENTICATED', message: 'service key' });
    practitioners += 1;
    return reply.status(201).send({ practitionerId: `prac-${practitioners}` });
  });
  app.post('/v1/internal/institutions/:code/credentials', async (request, reply) => {
    if (request.headers['x-service-key'] !== FAKE_SERVICE_KEY)
      return reply.status(401).send({ code: 'UNAUTHENTICATED', message: 'service key' });
    return reply.status(201).send(FAKE_CREDENTIALS);
  });

  app.post('/v1/auth/token', async (request, reply) => {
    const body = request.body as { clientId?: string; clientSecret?: string };
    if (
      body.clientId !== FAKE_CREDENTIALS.clientId ||
      body.clientSecret !== FAKE_CREDENTIALS.clientSecret
    ) {
      return reply.status(401).send({ code: 'UNAUTHENTICATED', message: 'bad credentials' });
    }
    return { idToken: token, expiresIn: 3600, institutionCode: FAKE_INSTITUTION };
  });

  // A serial the fake holds in no state is one J-LIS does not know.
  app.get('/v1/card-certificates/:serial', async (request, reply) => {
    if (!bearer(request.headers.authorization))
      return reply.status(401).send({ code: 'UNAUTHENTICATED', message: 'no token' });
    const { serial } = request.params as { serial: string };
    const state = cards.get(serial);
    if (state === undefined)
      return reply.status(404).send({ code: 'NOT_FOUND', message: 'no such certificate' });
    const status = state === 'revoked' || state === 'expired' ? state : 'valid';
    return {
      certificateSerial: serial,
      status,
      source: 'jlis',
      checkedAt: '2021-10-20T00:00:00.000Z',
    };
  });

  app.post('/v1/card-registrations', async (request, reply) => {
    if (!bearer(request.headers.authorization))
      return reply.status(401).send({ code: 'UNAUTHENTICATED', message: 'no token' });
    const { certificateSerial } = request.body as { certificateSerial: string };
    const state = cards.get(certificateSerial);
    if (state === undefined)
      return reply.status(404).send({ code: 'PERSON_NOT_FOUND', message: 'no such person' });
    if (state === 'revoked')
      return reply.status(403).send({ code: 'CARD_REVOKED', message: 'revoked' });
    cards.set(certificateSerial, 'registered');
    return reply.status(201).send({ registered: true });
  });

  app.post('/v1/card-confirmations', async (request, reply) => {
    if (!bearer(request.headers.authorization))
      return reply.status(401).send({ code: 'UNAUTHENTICATED', message: 'no token' });
    const body = request.body as {
      certificateSerial: string;
      consents?: Record<string, boolean>;
    };
    const state = cards.get(body.certificateSerial);
    if (state === 'revoked')
      return reply.status(403).send({ code: 'CARD_REVOKED', message: 'certificate revoked' });
    if (state === 'expired')
      return reply.status(403).send({ code: 'CARD_EXPIRED', message: 'certificate expired' });
    if (state !== 'registered')
      return reply.status(404).send({ code: 'CARD_NOT_REGISTERED', message: 'not registered' });
    confirmations += 1;
    const given = body.consents ?? {};
    const any = Object.values(given).some(Boolean);
    // The shape eligibility-api answers (apps/eligibility-api/src/routes/cards.ts).
    const answer: CardConfirmation = {
      qualificationValidity: '1',
      confirmationDate: '2021-10-20',
      verificationMethod: (body as { verificationMethod?: string }).verificationMethod,
      consents: {
        consentId: any ? `consent-${confirmations}` : null,
        consTime: any ? '2021-10-20T00:30:00.000Z' : null,
        availableTime: any ? '2021-10-21T00:30:00.000Z' : null,
        specificHealthCheckups: given.specificHealthCheckups === true,
        pharmacists: given.pharmacists === true,
        diagnosis: given.diagnosis === true,
        operations: given.operations === true,
        limitApplicationCertificate: given.limitApplicationCertificate === true,
      },
      results: [FAKE_QUALIFICATION],
    };
    return answer;
  });

  app.post('/oqs-api-pro/MSA01030/ILI01030SV01/search', async (request, reply) => {
    const header = (code: string, message: string) => ({
      ProcessExecutionTime: '20211020093000',
      QualificationConfirmationDate: '20211020',
      MedicalInstitutionCode: FAKE_INSTITUTION,
      ReferenceClassification: '2',
      SegmentOfResult: code ? '9' : '1',
      ErrorCode: code,
      ErrorMessage: message,
      CharacterCodeIdentifier: '0',
    });
    if (request.headers.authorization !== token) {
      return reply.status(401).send({
        XmlMsg: {
          MessageHeader: header('UNAUTHENTICATED', 'no token'),
          MessageBody: { ProcessingResultStatus: '2' },
        },
      });
    }
    const info = (
      request.body as {
        XmlMsg: { MessageBody: { QualificationConfirmSearchInfo: Record<string, string> } };
      }
    ).XmlMsg.MessageBody.QualificationConfirmSearchInfo;
    const found =
      info.InsurerNumber === FAKE_QUALIFICATION.insurerNumber &&
      info.InsuredIdentificationNumber === FAKE_QUALIFICATION.insuredIdentificationNumber;
    return {
      XmlMsg: {
        MessageHeader: header('', ''),
        MessageBody: {
          ProcessingResultStatus: '1',
          QualificationValidity: found ? '1' : '4',
          ...(found
            ? {
                // The real JSON shape: an array of {ResultOfQualificationConfirmation} wrappers.
                ResultList: [
                  {
                    ResultOfQualificationConfirmation: {
                      InsuredCardClassification: FAKE_QUALIFICATION.insuredCardClassification,
                      InsurerNumber: FAKE_QUALIFICATION.insurerNumber,
                      InsuredIdentificationNumber: FAKE_QUALIFICATION.insuredIdentificationNumber,
                      Name: FAKE_QUALIFICATION.name,
                      Sex1: FAKE_QUALIFICATION.sex,
                      Birthdate: '19890913',
                      InsurerName: FAKE_QUALIFICATION.insurerName,
                    },
                  },
                ],
              }
            : {}),
        },
      },
    };
  });

  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    requests,
    cards,
    failNext: (n) => {
      failures = n;
    },
    rotateToken: () => {
      tokenNumber += 1;
      token = `id-token-${tokenNumber}`;
    },
    close: () => app.close(),
  };
}
