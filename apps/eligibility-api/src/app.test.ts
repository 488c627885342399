// The declaration of vitest's provided postgresUrl lives with the global setup.
import type {} from '@shikaku/db/testing/global-setup';
import { listAllAccessLog } from '@shikaku/db/eligibility/access-log';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { parseOqsXml } from '@shikaku/core/oqs-xml';
import { dumpEligibilitySchema } from '@shikaku/db/eligibility/inspect';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOutboxRelay } from './outbox-relay.js';
import {
  CLINIC_A,
  CLINIC_B,
  createFixture,
  type Fixture,
  MY_NUMBER,
  recordingInject,
  seedQualifications,
  snapshot,
  TEST_SECRETS,
} from './testing/fixture.js';

const SEARCH = '/oqs-api-pro/MSA01030/ILI01030SV01/search';
const AUTH = '/oqs-api-pro/MSA12020/ILI12020SV01/auth';

const search = (info: Record<string, string>, header: Record<string, string> = {}) => ({
  XmlMsg: {
    MessageHeader: { QualificationConfirmationDate: '20210715', ...header },
    MessageBody: { QualificationConfirmSearchInfo: info },
  },
});
const hanako = {
  InsurerNumber: '01130012',
  InsuredCardSymbol: '1234',
  InsuredIdentificationNumber: '5678',
  Birthdate: '19890913',
};

describeEachDatabase('eligibility-api', ({ handle }) => {
  let f: Fixture;
  let idToken: string;
  const { bodies, inject } = recordingInject(() => f.app);

  beforeAll(async () => {
    f = await createFixture(handle());
    await seedQualifications(handle(), [
      { personRef: 'p-hanako', qualification: snapshot() },
      // Lost on 2021-06-01, then insured under a new employer: validity 3 after the loss.
      {
        personRef: 'p-taro',
        qualification: snapshot({
          qualificationId: 'q-taro-old',
          insuredCardSymbol: '77',
          insuredIdentificationNumber: '1',
          name: '資格 太郎',
          nameKana: 'シカク タロウ',
          sex: '1',
          birthDate: '1950-03-02',
          qualificationDate: '2000-04-01',
          disqualificationDate: '2021-06-01',
          reasonOfLoss: '1',
        }),
      },
      {
        personRef: 'p-taro',
        qualification: snapshot({
          qualificationId: 'q-taro-new',
          insurerNumber: '138057',
          insuredCardSymbol: '9',
          insuredIdentificationNumber: '2',
          name: '資格 太郎',
          nameKana: 'シカク タロウ',
          sex: '1',
          birthDate: '1950-03-02',
          qualificationDate: '2021-06-01',
          incomeClass: 'active-equivalent',
        }),
      },
      // Lost, nothing newer: validity 2.
      {
        personRef: 'p-jiro',
        qualification: snapshot({
          qualificationId: 'q-jiro',
          insuredCardSymbol: '77',
          insuredIdentificationNumber: '3',
          birthDate: '2000-01-01',
          qualificationDate: '2019-04-01',
          disqualificationDate: '2021-04-01',
        }),
      },
      // Two branches of one card in force for one birth date (twins): validity 5.
      {
        personRef: 'p-twin-1',
        qualification: snapshot({
          qualificationId: 'q-t1',
          insuredCardSymbol: '55',
          insuredIdentificationNumber: '8',
          insuredBranchNumber: '01',
          birthDate: '2015-05-05',
          personalFamilyClassification: '2',
        }),
      },
      {
        personRef: 'p-twin-2',
        qualification: snapshot({
          qualificationId: 'q-t2',
          insuredCardSymbol: '55',
          insuredIdentificationNumber: '8',
          insuredBranchNumber: '02',
          birthDate: '2015-05-05',
          personalFamilyClassification: '2',
        }),
      },
    ]);
    f.upstream.cards.set('SERIAL-HANAKO', {
      personRef: 'p-hanako',
      myNumber: MY_NUMBER,
      status: 'valid',
    });
    f.upstream.cards.set('SERIAL-REVOKED', {
      personRef: 'p-jiro',
      myNumber: '000000000019',
      status: 'valid',
    });
    f.upstream.cards.set('SERIAL-LOCKED', {
      personRef: 'p-taro',
      myNumber: '000000000027',
      status: 'valid',
    });
    const login = await inject({ method: 'POST', url: AUTH, payload: f.credentials.get(CLINIC_A) });
    expect(login.statusCode).toBe(200);
    const body = login.json();
    expect(body).toMatchObject({ status: '0', result: { linkSysCharCd: '0' } });
    idToken = body.result.idToken;
  });

  afterAll(async () => {
    await f?.app.close();
  });

  it('answers a spec JSON search with every value a string and NameKana half-width', async () => {
    const response = await inject({
      method: 'POST',
      url: SEARCH,
      headers: { authorization: idToken },
      payload: search(hanako, { MedicalInstitutionCode: CLINIC_A }),
    });
    expect(response.statusCode).toBe(200);
    const message = response.json();
    expect(message.XmlMsg.MessageHeader).toMatchObject({
      QualificationConfirmationDate: '20210715',
      MedicalInstitutionCode: CLINIC_A,
      ReferenceClassification: '2',
      SegmentOfResult: '1',
      CharacterCodeIdentifier: '0',
      ProcessExecutionTime: '20210715100000',
    });
    expect(message.XmlMsg.MessageBody).toMatchObject({
      ProcessingResultStatus: '1',
      QualificationValidity: '1',
    });
    // Real JSON answers: ResultList an array of {ResultOfQualificationConfirmation} wrappers.
    const [{ ResultOfQualificationConfirmation: result }] = message.XmlMsg.MessageBody.ResultList;
    expect(result).toMatchObject({
      NameKana: 'ｼｶｸ ﾊﾅｺ',
      Birthdate: '19890913',
      InsuredBranchNumber: '00',
      QualificationDate: '20200401',
      InsuredCardValidDate: '20200401',
    });
    // Absent means omitted; the copay ratio travels only for 後期高齢者 (a 31-year-old here).
    expect(result).not.toHaveProperty('DisqualificationDate');
    expect(result).not.toHaveProperty('InsuredPartialContributionRatio');
    const walk = (value: unknown): void => {
      if (value && typeof value === 'object') Object.values(value).forEach(walk);
      else expect(typeof value).toBe('string');
    };
    walk(message);
  });

  it('tolerates padded insurer numbers, omitted branch and institution code', async () => {
    const response = await inject({
      method: 'POST',
      url: SEARCH,
      headers: { authorization: idToken },
      payload: search({
        InsurerNumber: '  138057',
        InsuredCardSymbol: '9',
        InsuredIdentificationNumber: '2',
        Birthdate: '19500302',
      }),
    });
    const body = response.json().XmlMsg.MessageBody;
    expect(body.QualificationValidity).toBe('1');
    // 71 years old, 現役並み所得: 3割 in the 高齢受給者 certificate, not as a 後期高齢者 ratio.
    const result = body.ResultList[0].ResultOfQualificationConfirmation;
    expect(result).toMatchObject({
      ElderlyRecipientCertificateInfo: { ElderlyRecipientContributionRatio: '030' },
    });
    expect(result).not.toHaveProperty('InsuredPartialContributionRatio');
  });

  it('answers the same search as XML when sent as XML', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><XmlMsg><MessageHeader><QualificationConfirmationDate>20210715</QualificationConfirmationDate></MessageHeader><MessageBody><QualificationConfirmSearchInfo><InsurerNumber>01130012</InsurerNumber><InsuredCardSymbol>1234</InsuredCardSymbol><InsuredIdentificationNumber>5678</InsuredIdentificationNumber><InsuredBranchNumber/><Birthdate>19890913</Birthdate></QualificationConfirmSearchInfo></MessageBody></XmlMsg>`;
    const response = await inject({
      method: 'POST',
      url: SEARCH,
      headers: { authorization: idToken, 'content-type': 'application/xml' },
      payload: xml,
    });
    expect(response.headers['content-type']).toMatch(/application\/xml/);
    const parsed = parseOqsXml(response.body);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const message = parsed.value as { XmlMsg: { MessageBody: Record<string, unknown> } };
    expect(message.XmlMsg.MessageBody.QualificationValidity).toBe('1');
  });

  it('answers QualificationValidity 1-5 on back-dated and current dates', async () => {
    const validity = async (info: Record<string, string>, date: string) =>
      (
        await inject({
          method: 'POST',
          url: SEARCH,
          headers: { authorization: idToken },
          payload: search(info, { QualificationConfirmationDate: date }),
        })
      ).json().XmlMsg.MessageBody.QualificationValidity;
    const taroOld = {
      InsurerNumber: '01130012',
      InsuredCardSymbol: '77',
      InsuredIdentificationNumber: '1',
      Birthdate: '19500302',
    };
    expect(await validity(taroOld, '20210531')).toBe('1');
    expect(await validity(taroOld, '20210715')).toBe('3');
    const jiro = {
      InsurerNumber: '01130012',
      InsuredCardSymbol: '77',
      InsuredIdentificationNumber: '3',
      Birthdate: '20000101',
    };
    expect(await validity(jiro, '20210715')).toBe('2');
    expect(await validity({ ...hanako, Birthdate: '19890914' }, '20210715')).toBe('4');
    expect(await validity({ ...hanako }, '20200331')).toBe('4');
    const twins = {
      InsurerNumber: '01130012',
      InsuredCardSymbol: '55',
      InsuredIdentificationNumber: '8',
      Birthdate: '20150505',
    };
    expect(await validity(twins, '20210715')).toBe('5');
    expect(await validity({ ...twins, InsuredBranchNumber: '02' }, '20210715')).toBe('1');
  });

  it('keeps the full header and ProcessingResultStatus 2 on errors, never a 500', async () => {
    const cases: Array<[string, Record<string, string>, string, number]> = [
      ['{"XmlMsg": ', { 'content-type': 'application/json' }, 'MALFORMED_BODY', 200],
      [
        '<XmlMsg><MessageHeader></XmlMsg>',
        { 'content-type': 'application/xml' },
        'MALFORMED_BODY',
        200,
      ],
      [
        JSON.stringify(search({ ...hanako, InsurerNumber: '01130013' })),
        { 'content-type': 'application/json' },
        'INVALID_INSURER_NUMBER',
        200,
      ],
      [
        JSON.stringify({ foo: 1 }),
        { 'content-type': 'application/json' },
        'MALFORMED_MESSAGE',
        200,
      ],
      [
        JSON.stringify(search(hanako, { MedicalInstitutionCode: '0110113718' })),
        { 'content-type': 'application/json' },
        'INVALID_INSTITUTION_CODE',
        200,
      ],
      [
        JSON.stringify(search(hanako, { MedicalInstitutionCode: CLINIC_B })),
        { 'content-type': 'application/json' },
        'INSTITUTION_MISMATCH',
        200,
      ],
      [
        JSON.stringify(search(hanako, { MedicalInstitutionCode: '2712345673' })),
        { 'content-type': 'application/json' },
        'UNKNOWN_INSTITUTION',
        200,
      ],
    ];
    for (const [payload, headers, code, status] of cases) {
      const response = await inject({
        method: 'POST',
        url: SEARCH,
        headers: { authorization: idToken, ...headers },
        payload,
      });
      expect(response.statusCode, code).toBe(status);
      const text = response.body;
      const message =
        headers['content-type'] === 'application/xml'
          ? (parseOqsXml(text) as { ok: true; value: Record<string, never> }).value
          : JSON.parse(text);
      expect(message.XmlMsg.MessageHeader).toMatchObject({
        SegmentOfResult: '9',
        ErrorCode: code,
        CharacterCodeIdentifier: '0',
      });
      expect(message.XmlMsg.MessageHeader.ProcessExecutionTime).toMatch(/^\d{14}$/);
      expect(message.XmlMsg.MessageBody.ProcessingResultStatus).toBe('2');
    }
    const badXml = await inject({
      method: 'POST',
      url: SEARCH,
      headers: { authorization: idToken, 'content-type': 'application/xml' },
      payload: '<XmlMsg>\n<MessageHeader>\n</XmlMsg>',
    });
    expect(badXml.body).toMatch(/<ErrorMessage>malformed XML: .*\(line \d+\)<\/ErrorMessage>/);
    const tooLarge = await inject({
      method: 'POST',
      url: SEARCH,
      headers: { authorization: idToken, 'content-type': 'application/json' },
      payload: 'x'.repeat(6 * 1024 * 1024),
    });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().XmlMsg.MessageHeader).toMatchObject({
      SegmentOfResult: '9',
      ErrorCode: 'PAYLOAD_TOO_LARGE',
    });
    const unauthenticated = await inject({
      method: 'POST',
      url: SEARCH,
      headers: { authorization: 'forged.token' },
      payload: search(hanako),
    });
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.json().XmlMsg.MessageHeader.ErrorCode).toBe('UNAUTHENTICATED');
    const badLogin = await inject({
      method: 'POST',
      url: AUTH,
      payload: { clientId: 'x', clientSecret: 'y' },
    });
    expect(badLogin.statusCode).toBe(401);
    expect(badLogin.json()).toMatchObject({ status: '1', result: null });
  });

  it('accepts only the idToken: the accessToken and refreshToken open neither the search nor REST', async () => {
    const login = await inject({ method: 'POST', url: AUTH, payload: f.credentials.get(CLINIC_A) });
    const { accessToken, refreshToken } = login.json().result as Record<string, string>;
    for (const token of [accessToken, refreshToken]) {
      const spec = await inject({
        method: 'POST',
        url: SEARCH,
        headers: { authorization: token },
        payload: search(hanako, { MedicalInstitutionCode: CLINIC_A }),
      });
      expect(spec.statusCode).toBe(401);
      const rest = await inject({
        method: 'POST',
        url: '/v1/confirmations',
        headers: { authorization: `Bearer ${token}` },
        payload: {
          insurerNumber: '01130012',
          insuredCardSymbol: '1234',
          insuredIdentificationNumber: '5678',
          birthDate: '1989-09-13',
        },
      });
      expect(rest.statusCode).toBe(401);
      expect(rest.json().code).toBe('UNAUTHENTICATED');
    }
  });

  it('confirms over REST with the same evaluation, and rejects bad check digits with a code', async () => {
    const token = await f.token();
    const ok = await inject({
      method: 'POST',
      url: '/v1/confirmations',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        insurerNumber: '01130012',
        insuredCardSymbol: '1234',
        insuredIdentificationNumber: '5678',
        birthDate: '1989-09-13',
        limitCertificateConsent: true,
      },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      qualificationValidity: '1',
      confirmationDate: '2021-07-15',
      results: [
        {
          nameKana: 'ｼｶｸ ﾊﾅｺ',
          copayRatio: '030',
          limitApplicationCertificate: {
            classification: '01',
            classificationFlag: 'A03',
            validFrom: '2020-08-01',
          },
        },
      ],
    });
    const bad = await inject({
      method: 'POST',
      url: '/v1/confirmations',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        insurerNumber: '01130013',
        insuredIdentificationNumber: '5678',
        birthDate: '1989-09-13',
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'INVALID_INSURER_NUMBER', field: 'insurerNumber' });
    const malformed = await inject({
      method: 'POST',
      url: '/v1/confirmations',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{"insurerNumber": ',
    });
    expect(malformed.statusCode).toBe(400);
    const myNumberField = await inject({
      method: 'POST',
      url: '/v1/confirmations',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        insurerNumber: '01130012',
        insuredIdentificationNumber: '5678',
        birthDate: '1989-09-13',
        myNumber: MY_NUMBER,
      },
    });
    expect(myNumberField.statusCode).toBe(400);
  });

  it('registers a card, confirms by card with consents, and serves drug information only inside a valid consent to allowed roles', async () => {
    const token = await f.token();
    const auth = { authorization: `Bearer ${token}` };
    const unregistered = await inject({
      method: 'POST',
      url: '/v1/card-confirmations',
      headers: auth,
      payload: { certificateSerial: 'SERIAL-HANAKO', verificationMethod: 'face' },
    });
    expect(unregistered.statusCode).toBe(404);
    expect(unregistered.json().code).toBe('CARD_NOT_REGISTERED');
    const registered = await inject({
      method: 'POST',
      url: '/v1/card-registrations',
      headers: auth,
      payload: { certificateSerial: 'SERIAL-HANAKO' },
    });
    expect(registered.statusCode).toBe(201);
    const noConsent = await inject({
      method: 'POST',
      url: '/v1/card-confirmations',
      headers: auth,
      payload: {
        certificateSerial: 'SERIAL-HANAKO',
        verificationMethod: 'pin',
        consents: { specificHealthCheckups: true },
      },
    });
    expect(noConsent.statusCode).toBe(200);
    const checkupOnly = noConsent.json().consents.consentId as string;
    const confirmed = await inject({
      method: 'POST',
      url: '/v1/card-confirmations',
      headers: auth,
      payload: {
        certificateSerial: 'SERIAL-HANAKO',
        verificationMethod: 'face',
        consents: { pharmacists: true, specificHealthCheckups: true },
      },
    });
    expect(confirmed.statusCode).toBe(200);
    const body = confirmed.json();
    expect(body).toMatchObject({
      qualificationValidity: '1',
      verificationMethod: 'face',
      consents: {
        pharmacists: true,
        consTime: '2021-07-15T01:00:00.000Z',
        availableTime: '2021-07-16T01:00:00.000Z',
      },
    });
    const consentId = body.consents.consentId as string;
    // Each view carries a registered practitioner's signed proof (practitioners/).
    const doctor = await f.practitioner('doctor');
    const practitioners = {
      doctor,
      pharmacist: await f.practitioner('pharmacist'),
      nurse: await f.practitioner('nurse'),
    };
    const doctorAtB = await f.practitioner('doctor', CLINIC_B);
    const drug = (
      id: string,
      practitioner: { proof: typeof doctor.proof } | undefined,
      tokenFor = token,
    ) => {
      const url = `/v1/consents/${id}/drug-information`;
      return inject({
        method: 'GET',
        url,
        headers: {
          authorization: `Bearer ${tokenFor}`,
          ...(practitioner ? practitioner.proof('GET', url) : {}),
        },
      });
    };
    const shown = await drug(consentId, practitioners.doctor);
    expect(shown.statusCode).toBe(200);
    const items = shown.json().items as Array<{ dispensedOn: string }>;
    for (const item of items) expect(item.dispensedOn > '2018-07-15').toBe(true);
    expect((await drug(consentId, practitioners.nurse)).json().code).toBe('ROLE_NOT_ALLOWED');
    expect((await drug(consentId, undefined)).json().code).toBe('PRACTITIONER_CREDENTIAL_REQUIRED');
    expect((await drug(checkupOnly, practitioners.pharmacist)).json().code).toBe(
      'CONSENT_NOT_GIVEN',
    );
    expect((await drug(consentId, doctorAtB, await f.token(CLINIC_B))).statusCode).toBe(404);
    const dentist = await f.practitioner('dentist');
    const checkupUrl = `/v1/consents/${consentId}/checkup-information`;
    const checkups = await inject({
      method: 'GET',
      url: checkupUrl,
      headers: { ...auth, ...dentist.proof('GET', checkupUrl) },
    });
    expect(checkups.statusCode).toBe(200);
    f.clock.set(new Date('2021-07-16T01:00:00Z'));
    try {
      const expired = await drug(consentId, practitioners.doctor, await f.token());
      expect(expired.statusCode).toBe(403);
      expect(expired.json().code).toBe('CONSENT_EXPIRED');
    } finally {
      f.clock.set(new Date('2021-07-15T01:00:00Z'));
    }
  });

  it('refuses revoked, expired and locked cards with their codes', async () => {
    const auth = { authorization: `Bearer ${await f.token()}` };
    for (const serial of ['SERIAL-REVOKED', 'SERIAL-LOCKED'])
      expect(
        (
          await inject({
            method: 'POST',
            url: '/v1/card-registrations',
            headers: auth,
            payload: { certificateSerial: serial },
          })
        ).statusCode,
      ).toBe(201);
    const card = (serial: string) =>
      inject({
        method: 'POST',
        url: '/v1/card-confirmations',
        headers: auth,
        payload: { certificateSerial: serial, verificationMethod: 'face' },
      });
    f.upstream.cards.get('SERIAL-REVOKED')!.status = 'revoked';
    f.upstream.cards.get('SERIAL-LOCKED')!.status = 'locked';
    expect((await card('SERIAL-REVOKED')).json()).toMatchObject({ code: 'CARD_REVOKED' });
    expect((await card('SERIAL-LOCKED')).statusCode).toBe(423);
    f.upstream.cards.get('SERIAL-REVOKED')!.status = 'expired';
    expect((await card('SERIAL-REVOKED')).json()).toMatchObject({ code: 'CARD_EXPIRED' });
  });

  it('runs a bulk inquiry that only the submitting institution can read', async () => {
    const auth = { authorization: `Bearer ${await f.token()}` };
    const submitted = await inject({
      method: 'POST',
      url: '/v1/bulk-inquiries',
      headers: auth,
      payload: {
        confirmationDate: '2021-07-15',
        items: [
          {
            insurerNumber: '01130012',
            insuredCardSymbol: '1234',
            insuredIdentificationNumber: '5678',
            birthDate: '1989-09-13',
            arbitraryIdentifier: 'a',
          },
          {
            insurerNumber: '01130013',
            insuredIdentificationNumber: '5678',
            birthDate: '1989-09-13',
            arbitraryIdentifier: 'b',
          },
          {
            insurerNumber: '01130012',
            insuredCardSymbol: '77',
            insuredIdentificationNumber: '3',
            birthDate: '2000-01-01',
            arbitraryIdentifier: 'c',
          },
        ],
      },
    });
    expect(submitted.statusCode).toBe(202);
    const { receptionNumber } = submitted.json();
    let status = 'accepted';
    for (let i = 0; i < 100 && status !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = (
        await inject({ method: 'GET', url: `/v1/bulk-inquiries/${receptionNumber}`, headers: auth })
      ).json().status;
    }
    expect(status).toBe('done');
    const result = await inject({
      method: 'GET',
      url: `/v1/bulk-inquiries/${receptionNumber}/result`,
      headers: auth,
    });
    const message = result.json();
    expect(message.XmlMsg.MessageHeader).toMatchObject({
      ReceptionNumber: receptionNumber,
      NumberOfProcessingResult: '3',
      NumberOfNormalProcessing: '2',
      NumberOfError: '1',
    });
    // OQSmuquc02res: repeated BulkConfirmUnit, each with the search keys it answers.
    const units = message.XmlMsg.MessageBody.BulkConfirmUnit;
    expect(units.map((u: { QualificationValidity?: string }) => u.QualificationValidity)).toEqual([
      '1',
      undefined,
      '2',
    ]);
    expect(units[1]).toMatchObject({
      QualificationConfirmSearchInfo: { InsurerNumber: '01130013', ArbitraryIdentifier: 'b' },
      ProcessingResultStatus: '2',
      ProcessingResultCode: 'INVALID_INSURER_NUMBER',
    });
    const xml = await inject({
      method: 'GET',
      url: `/v1/bulk-inquiries/${receptionNumber}/result`,
      headers: { ...auth, accept: 'application/xml' },
    });
    expect(xml.body).toContain('<NumberOfError>1</NumberOfError>');
    const other = { authorization: `Bearer ${await f.token(CLINIC_B)}` };
    expect(
      (
        await inject({
          method: 'GET',
          url: `/v1/bulk-inquiries/${receptionNumber}`,
          headers: other,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await inject({
          method: 'GET',
          url: `/v1/bulk-inquiries/${receptionNumber}/result`,
          headers: other,
        })
      ).statusCode,
    ).toBe(404);
  });

  it('writes every confirmation and view to the access log; a bare certificate serial reads none of it', async () => {
    const entries = (
      (await listAllAccessLog(handle())) as Array<{
        person_ref: string;
        kind: string;
        institution_code: string;
        consent_state: string;
      }>
    ).filter((e) => e.person_ref === 'p-hanako');
    const kinds = new Set(entries.map((e) => e.kind));
    for (const kind of [
      'confirmation',
      'card-confirmation',
      'drug-information',
      'checkup-information',
      'bulk',
    ])
      expect(kinds, kind).toContain(kind);
    expect(entries.some((e) => e.consent_state === 'expired')).toBe(true);
    expect(entries.every((e) => e.institution_code === CLINIC_A)).toBe(true);
    // The citizen reads their log after signing in with the card (citizen/routes.test.ts).
    const bare = await inject({
      method: 'GET',
      url: '/v1/citizen/access-log',
      headers: { 'x-certificate-serial': 'SERIAL-HANAKO' },
    });
    expect(bare.statusCode).toBe(401);
    expect(bare.json().code).toBe('SESSION_REQUIRED');
  });

  it('revokes credentials and rate-limits per institution', async () => {
    const key = { 'x-service-key': TEST_SECRETS.serviceKey };
    await inject({
      method: 'POST',
      url: '/v1/internal/institutions',
      headers: key,
      payload: {
        institutionCode: '1341234563',
        facilityType: 'pharmacy',
        name: '薬局',
        rateLimitPerSecond: 2,
      },
    });
    const issued = (
      await inject({
        method: 'POST',
        url: '/v1/internal/institutions/1341234563/credentials',
        headers: key,
      })
    ).json();
    const token = (await inject({ method: 'POST', url: '/v1/auth/token', payload: issued })).json()
      .idToken;
    const confirm = () =>
      inject({
        method: 'POST',
        url: '/v1/confirmations',
        headers: { authorization: `Bearer ${token}` },
        payload: {
          insurerNumber: '01130012',
          insuredCardSymbol: '1234',
          insuredIdentificationNumber: '5678',
          birthDate: '1989-09-13',
        },
      });
    f.monotonic.ms = 10_000;
    expect((await confirm()).statusCode).toBe(200);
    expect((await confirm()).statusCode).toBe(200);
    const limited = await confirm();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('RATE_LIMITED');
    expect(limited.headers['retry-after']).toBe('1');
    // The spec search answers its own errors: its 429 carries Retry-After too.
    const limitedSpec = await inject({
      method: 'POST',
      url: SEARCH,
      headers: { authorization: token },
      payload: search(hanako, { MedicalInstitutionCode: '1341234563' }),
    });
    expect(limitedSpec.statusCode).toBe(429);
    expect(limitedSpec.headers['retry-after']).toBe('1');
    f.monotonic.ms = 11_000;
    expect((await confirm()).statusCode).toBe(200);
    f.monotonic.ms = 20_000;
    expect(
      (
        await inject({
          method: 'DELETE',
          url: `/v1/internal/institutions/1341234563/credentials/${issued.clientId}`,
          headers: key,
        })
      ).statusCode,
    ).toBe(204);
    const revoked = await confirm();
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().code).toBe('CREDENTIAL_REVOKED');
    expect(
      (await inject({ method: 'POST', url: '/v1/auth/token', payload: issued })).json().code,
    ).toBe('CREDENTIAL_REVOKED');
    expect(
      (
        await inject({
          method: 'POST',
          url: '/v1/internal/institutions',
          headers: { 'x-service-key': 'wrong' },
          payload: {},
        })
      ).statusCode,
    ).toBe(401);
  });

  it('applies the outbox idempotently through the relay', async () => {
    const event = (sequence: number, name: string) => ({
      sequence,
      eventId: `o${sequence}`,
      type: 'qualification.upserted' as const,
      occurredAt: '2021-07-10T00:00:00Z',
      personRef: 'p-new',
      qualification: snapshot({
        qualificationId: 'q-new',
        insuredIdentificationNumber: '999',
        name,
      }),
    });
    f.upstream.outbox.push(event(1, '旧'), event(2, '新'));
    const relay = createOutboxRelay({
      handle: handle(),
      upstreams: { ...fakeUpstreams(f) },
      clock: f.clock,
      logger: f.app.log as never,
      pollMs: 0,
      pageSize: 1,
    });
    expect(await relay.drain()).toBe(2);
    expect(await relay.drain()).toBe(0);
    const token = await f.token();
    const response = await inject({
      method: 'POST',
      url: '/v1/confirmations',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        insurerNumber: '01130012',
        insuredCardSymbol: '1234',
        insuredIdentificationNumber: '999',
        birthDate: '1989-09-13',
      },
    });
    expect(response.json().results[0].name).toBe('新');
  });

  it('never lets a My Number out: responses, logs, access log rows and tables', async () => {
    const everything = [...bodies, ...f.logLines, JSON.stringify(await listAllAccessLog(handle()))];
    const dump = await dumpEligibilitySchema(handle());
    expect(dump).toContain('card_links: [{');
    everything.push(dump);
    expect(bodies.length).toBeGreaterThan(30);
    for (const myNumber of [MY_NUMBER, '000000000019', '000000000027'])
      for (const text of everything) expect(text).not.toContain(myNumber);
  });
});

function fakeUpstreams(f: Fixture) {
  return {
    resolveCertificate: async () => undefined,
    certificateStatus: async () => 'unknown' as const,
    fetchOutbox: async (after: number, limit: number) => {
      const events = f.upstream.outbox.filter((e) => e.sequence > after).slice(0, limit);
      return { events, next: events.at(-1)?.sequence ?? after };
    },
  };
}
