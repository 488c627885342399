import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/test-database.js';
import {
  countResidents,
  findCertificate,
  findResident,
  setCertificateStatus,
  upsertCertificates,
  upsertResidents,
} from './residents.js';

const at = new Date('2021-07-15T00:00:00Z');
const hanako = {
  myNumber: '123456789018',
  name: '資格 花子',
  nameKana: 'シカク ハナコ',
  birthDate: '1989-09-13',
  sex: '2' as const,
  address: '東京都千代田区霞が関1-2-2',
};

describeEachDatabase('jlis residents', ({ handle }) => {
  it('stores and finds a resident with the five facts, upserting by My Number', async () => {
    await upsertResidents(handle(), [hanako]);
    await upsertResidents(handle(), [{ ...hanako, address: '大阪府大阪市北区1-1' }]);
    expect(await findResident(handle(), hanako.myNumber)).toEqual({
      ...hanako,
      address: '大阪府大阪市北区1-1',
    });
    expect(await findResident(handle(), '000000000000')).toBeUndefined();
    expect(await countResidents(handle())).toBe(1);
  });

  it('keeps certificate status and changes it', async () => {
    await upsertCertificates(
      handle(),
      [{ serial: 'C0001', myNumber: hanako.myNumber, status: 'valid' }],
      at,
    );
    expect(await setCertificateStatus(handle(), 'C0001', 'revoked', at)).toBe(true);
    expect(await setCertificateStatus(handle(), 'C9999', 'revoked', at)).toBe(false);
    expect(await findCertificate(handle(), 'C0001')).toEqual({
      serial: 'C0001',
      myNumber: hanako.myNumber,
      status: 'revoked',
    });
  });
});
