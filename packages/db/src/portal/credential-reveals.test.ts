import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/test-database.js';
import { insertAccount } from './accounts.js';
import {
  deleteExpiredCredentialReveals,
  storeCredentialReveal,
  takeCredentialReveal,
} from './credential-reveals.js';

const T0 = new Date('2021-10-20T01:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

describeEachDatabase('credential reveals', ({ handle }) => {
  let n = 0;
  const account = async () => {
    n += 1;
    const created = await insertAccount(handle(), {
      email: `reveal-${n}@example.jp`,
      passwordHash: 'x',
      role: 'operator',
      institutionCode: null,
      createdAt: T0,
    });
    return created.id;
  };
  const reveal = (accountId: number, token: string, expiresAt = later(600_000)) => ({
    accountId,
    tokenHash: token,
    clientId: `client-${token}`,
    sealedSecret: `sealed-${token}`,
    at: T0,
    expiresAt,
  });

  it('gives the waiting secret once, for its token, to whichever caller asks first', async () => {
    const id = await account();
    await storeCredentialReveal(handle(), reveal(id, 'tok-a'));
    expect(
      await takeCredentialReveal(handle(), { accountId: id, tokenHash: 'other', now: T0 }),
    ).toBeUndefined();
    const takes = await Promise.all(
      [1, 2, 3].map(() =>
        takeCredentialReveal(handle(), { accountId: id, tokenHash: 'tok-a', now: later(1000) }),
      ),
    );
    expect(takes.filter(Boolean)).toEqual([
      { clientId: 'client-tok-a', sealedSecret: 'sealed-tok-a' },
    ]);
  });

  it('keeps one per account (a rotation replaces it) and never gives an expired one', async () => {
    const id = await account();
    await storeCredentialReveal(handle(), reveal(id, 'tok-b'));
    await storeCredentialReveal(handle(), reveal(id, 'tok-c', later(1000)));
    expect(
      await takeCredentialReveal(handle(), { accountId: id, tokenHash: 'tok-b', now: T0 }),
    ).toBeUndefined();
    expect(
      await takeCredentialReveal(handle(), { accountId: id, tokenHash: 'tok-c', now: later(1000) }),
    ).toBeUndefined();
    await storeCredentialReveal(handle(), reveal(id, 'tok-d', later(1000)));
    expect(await deleteExpiredCredentialReveals(handle(), later(2000))).toBeGreaterThanOrEqual(1);
    expect(
      await takeCredentialReveal(handle(), { accountId: id, tokenHash: 'tok-d', now: T0 }),
    ).toBeUndefined();
  });
});
