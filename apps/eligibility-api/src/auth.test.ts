import { describe, expect, it } from 'vitest';
import type { CredentialRecord } from '@shikaku/db/eligibility/institutions';
import {
  authenticate,
  type CredentialCache,
  createRateLimiter,
  createTokenSigner,
} from './auth.js';

describe('tokens', () => {
  const signer = createTokenSigner('secret', 60);
  it('verifies its own tokens of the expected kind until they expire', () => {
    const token = signer.issue('client-1', 'id', 1_000);
    expect(signer.verify(token, 'id', 1_000)).toBe('client-1');
    expect(signer.verify(token, 'id', 60_999)).toBe('client-1');
    expect(signer.verify(token, 'id', 61_000)).toBeUndefined();
  });
  it('refuses a token of another kind: an accessToken or refreshToken is not an idToken', () => {
    expect(signer.verify(signer.issue('c', 'access', 0), 'id', 0)).toBeUndefined();
    expect(signer.verify(signer.issue('c', 'refresh', 0), 'id', 0)).toBeUndefined();
    expect(signer.verify(signer.issue('c', 'id', 0), 'access', 0)).toBeUndefined();
  });
  it('refuses forged signatures and tampered payloads', () => {
    const token = signer.issue('c', 'id', 0);
    expect(createTokenSigner('other', 60).verify(token, 'id', 0)).toBeUndefined();
    const [payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ c: 'admin', k: 'id', e: 9e15 })).toString(
      'base64url',
    );
    expect(signer.verify(`${forged}.${signature}`, 'id', 0)).toBeUndefined();
    expect(signer.verify(`${payload}`, 'id', 0)).toBeUndefined();
    expect(signer.verify('', 'id', 0)).toBeUndefined();
  });
  it('keeps a verified token: still checked for kind and expiry, and a tampered copy still refused', () => {
    const fresh = createTokenSigner('secret', 60);
    const token = fresh.issue('client-2', 'id', 0);
    expect(fresh.verify(token, 'id', 0)).toBe('client-2');
    expect(fresh.verify(token, 'id', 59_999)).toBe('client-2');
    expect(fresh.verify(token, 'access', 1)).toBeUndefined();
    expect(fresh.verify(token, 'id', 60_000)).toBeUndefined();
    const [payload, signature = ''] = token.split('.');
    const tampered = `${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    expect(fresh.verify(tampered, 'id', 0)).toBeUndefined();
  });
});

describe('authenticate (every search and REST call)', () => {
  const signer = createTokenSigner('secret', 60);
  const record = {
    clientId: 'client-1',
    secretHash: '',
    revoked: false,
    institution: { institutionCode: '0110113719' },
  } as unknown as CredentialRecord;
  const credentials: CredentialCache = {
    get: async (clientId) => (clientId === 'client-1' ? record : undefined),
    forget: () => undefined,
  };
  it('accepts the idToken, bare or as a Bearer token', async () => {
    const idToken = signer.issue('client-1', 'id', 0);
    expect((await authenticate(signer, credentials, idToken, 0)).clientId).toBe('client-1');
    expect((await authenticate(signer, credentials, `Bearer ${idToken}`, 0)).clientId).toBe(
      'client-1',
    );
  });
  it.each(['access', 'refresh'] as const)('refuses the %sToken with UNAUTHENTICATED', (kind) =>
    expect(
      authenticate(signer, credentials, signer.issue('client-1', kind, 0), 0),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' }),
  );
});

describe('rate limiter', () => {
  it('allows a burst of one second, then refills at the rate', () => {
    const limiter = createRateLimiter();
    const taken = Array.from({ length: 5 }, () => limiter.take('A', 3, 0));
    expect(taken).toEqual([true, true, true, false, false]);
    expect(limiter.take('B', 3, 0)).toBe(true);
    expect(limiter.take('A', 3, 334)).toBe(true);
    expect(limiter.take('A', 3, 334)).toBe(false);
  });

  it('forgets the buckets idle for a second (full again), so a stream of new addresses stays bounded', () => {
    const limiter = createRateLimiter();
    let nowMs = 0;
    // One spent bucket that keeps asking: it must still be refused while the others come and go.
    const spend = () => Array.from({ length: 3 }, () => limiter.take('busy', 2, nowMs));
    expect(spend()).toEqual([true, true, false]);
    // 20 000 addresses, 1 000 a second, each asking once (each admitted).
    let admitted = 0;
    let busyAdmitted = 0;
    for (let i = 0; i < 20_000; i++) {
      if (i % 1000 === 0) {
        nowMs += 1000;
        expect(spend()).toEqual([true, true, false]);
      } else if (i % 100 === 0 && limiter.take('busy', 2, nowMs)) busyAdmitted += 1;
      if (limiter.take(`address-${i}`, 2, nowMs)) admitted += 1;
    }
    expect(admitted).toBe(20_000);
    // Sweeps in the middle of a second kept the spent bucket (it is not full).
    expect(busyAdmitted).toBe(0);
    // At most twice the keys of a second (these 1 000 and 'busy'), swept whenever the map has
    // doubled, not 20 000.
    expect(limiter.size()).toBeLessThanOrEqual(2 * 1001);
    // An address seen within the second is still counted...
    expect(limiter.take('address-19999', 2, nowMs)).toBe(true);
    expect(limiter.take('address-19999', 2, nowMs)).toBe(false);
    // ...and one forgotten starts with a full second's burst, as it would have refilled to.
    expect([1, 2, 3].map(() => limiter.take('address-0', 2, nowMs))).toEqual([true, true, false]);
  });
});
