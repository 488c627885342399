import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/test-database.js';
import { countResidents, findCertificate, type Certificate, type Resident } from './residents.js';
import { loadResidents } from './seed-load.js';

const at = new Date('2021-07-15T00:00:00Z');
const residents: Resident[] = [
  {
    myNumber: '123456789018',
    name: '資格 花子',
    nameKana: 'シカク ハナコ',
    birthDate: '1989-09-13',
    sex: '2',
    address: '東京都千代田区霞が関1-2-2',
  },
  {
    myNumber: '000000000019',
    name: '資格 太郎',
    nameKana: 'シカク タロウ',
    birthDate: '1985-04-01',
    sex: '1',
    address: '東京都千代田区霞が関1-2-2',
  },
];
const certificates: Certificate[] = [
  { serial: 'C0001', myNumber: '123456789018', status: 'valid' },
  { serial: 'C0002', myNumber: '000000000019', status: 'revoked' },
];

describeEachDatabase('loadResidents', ({ handle }) => {
  it('loads an empty registry, and writes nothing into one that holds a resident', async () => {
    expect(await loadResidents(handle(), residents, certificates, at)).toBe(2);
    expect(await loadResidents(handle(), residents, certificates, at)).toBeUndefined();
    expect(await countResidents(handle())).toBe(2);
    expect(await findCertificate(handle(), 'C0002')).toMatchObject({ status: 'revoked' });
  });
});

describeEachDatabase('loadResidents, two loads at once', ({ handle }) => {
  it('loads the registry once: the second finds the first one’s rows and writes nothing', async () => {
    const loaded = await Promise.all([
      loadResidents(handle(), residents, certificates, at),
      loadResidents(handle(), residents, certificates, at),
    ]);
    expect(loaded.filter((n) => n === undefined)).toHaveLength(1);
    expect(loaded.filter((n) => n === 2)).toHaveLength(1);
    expect(await countResidents(handle())).toBe(2);
  });
});
