// The 2024-12 change at the clinic (facts: docs/decisions.md, "The 2024-12 era"): a search by an
// old 健康保険証's numbers answers its qualification before and after 2025-12-01, showing the card's
// end as 20251201 from 2024-12-02; a 資格確認書 (issued from 2024-12-02) answers 1 with its own end.
import type {} from '@shikaku/db/testing/global-setup';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  CLINIC_A,
  createFixture,
  type Fixture,
  seedQualifications,
  snapshot,
} from './testing/fixture.js';

const SEARCH = '/oqs-api-pro/MSA01030/ILI01030SV01/search';

describeEachDatabase('eligibility-api: old cards and 資格確認書', ({ handle }) => {
  let f: Fixture;
  let idToken: string;

  afterAll(async () => {
    await f?.app.close();
  });

  beforeAll(async () => {
    f = await createFixture(handle());
    await seedQualifications(handle(), [
      // An old card without an end date, issued in 2020.
      { personRef: 'p-card', qualification: snapshot({ qualificationId: 'q-card' }) },
      // A 資格確認書 issued 2025-11-01, valid five years.
      {
        personRef: 'p-cert',
        qualification: snapshot({
          qualificationId: 'q-cert',
          insuredIdentificationNumber: '9012',
          cardIssuedOn: '2025-11-01',
          cardValidFrom: '2025-12-02',
          cardValidTo: '2030-10-31',
        }),
      },
    ]);
    const login = await f.app.inject({
      method: 'POST',
      url: '/oqs-api-pro/MSA12020/ILI12020SV01/auth',
      payload: f.credentials.get(CLINIC_A),
    });
    expect(login.json()).toMatchObject({ status: '0' });
    idToken = login.json().result.idToken;
  });

  const confirm = async (number: string, date: string) => {
    const response = await f.app.inject({
      method: 'POST',
      url: SEARCH,
      headers: { authorization: idToken },
      payload: {
        XmlMsg: {
          MessageHeader: { QualificationConfirmationDate: date, MedicalInstitutionCode: CLINIC_A },
          MessageBody: {
            QualificationConfirmSearchInfo: {
              InsurerNumber: '01130012',
              InsuredCardSymbol: '1234',
              InsuredIdentificationNumber: number,
              Birthdate: '19890913',
            },
          },
        },
      },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json().XmlMsg.MessageBody;
    return {
      validity: body.QualificationValidity as string,
      result: body.ResultList[0]?.ResultOfQualificationConfirmation as
        Record<string, unknown> | undefined,
    };
  };

  it('an old card: its qualification answers 1 after 2025-12-01, the card shown ending then', async () => {
    const before = await confirm('5678', '20241201');
    expect(before.validity).toBe('1');
    expect(before.result?.InsuredCardExpirationDate).toBeUndefined();
    const last = await confirm('5678', '20251201');
    expect(last.validity).toBe('1');
    expect(last.result).toMatchObject({ InsuredCardExpirationDate: '20251201' });
    // The card has ended, the qualification has not: OQS answers the qualification (the
    // 暫定的な取扱い to 2026-03-31 relies on it) and shows the card's end for the counter.
    const after = await confirm('5678', '20251202');
    expect(after.validity).toBe('1');
    expect(after.result).toMatchObject({ InsuredCardExpirationDate: '20251201' });
    expect(after.result?.DisqualificationDate).toBeUndefined();
  });

  it('a 資格確認書 is confirmed by its numbers after 2025-12-01', async () => {
    const after = await confirm('9012', '20251202');
    expect(after.validity).toBe('1');
    expect(after.result).toMatchObject({
      InsuredCertificateIssuanceDate: '20251101',
      InsuredCardExpirationDate: '20301031',
    });
  });
});
