import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/test-database.js';
import {
  countInsurers,
  findInsurerByKeyHash,
  insurerKeyHashes,
  upsertInsurers,
} from './insurers.js';

const at = new Date('2021-07-15T01:00:00Z');

describeEachDatabase('upsertInsurers', ({ handle }) => {
  it('inserts insurers, then replaces their names and keys; one given twice keeps its last', async () => {
    const a = { insurerNumber: '01130012', name: '保険者A', webhookUrl: null };
    const b = { insurerNumber: '06139998', name: '保険者B', webhookUrl: 'http://b.example/hook' };
    await upsertInsurers(handle(), [], at);
    await upsertInsurers(
      handle(),
      [
        { ...a, keyHash: 'k-a0' },
        { ...a, keyHash: 'k-a1' },
        { ...b, keyHash: 'k-b1' },
      ],
      at,
    );
    expect(await countInsurers(handle())).toBe(2);
    expect(await findInsurerByKeyHash(handle(), 'k-a0')).toBeUndefined();
    expect(await findInsurerByKeyHash(handle(), 'k-a1')).toEqual(a);
    expect(await findInsurerByKeyHash(handle(), 'k-b1')).toEqual(b);

    // A new key for an insurer (a fresh stack's): the old ones stop working.
    await upsertInsurers(
      handle(),
      [
        { ...a, name: '保険者A 改', keyHash: 'k-a2' },
        { ...b, keyHash: 'k-b2' },
      ],
      at,
    );
    expect(await countInsurers(handle())).toBe(2);
    expect(await findInsurerByKeyHash(handle(), 'k-a1')).toBeUndefined();
    expect(await findInsurerByKeyHash(handle(), 'k-a2')).toEqual({ ...a, name: '保険者A 改' });
    expect(await findInsurerByKeyHash(handle(), 'k-b2')).toEqual(b);
    // What a restarted stack checks its kept keys against.
    expect(await insurerKeyHashes(handle())).toEqual(
      new Map([
        [a.insurerNumber, 'k-a2'],
        [b.insurerNumber, 'k-b2'],
      ]),
    );
  });
});
