import { describe, expect, it } from 'vitest';
import { createRateLimiter, createTokenSigner } from './auth.js';

describe('tokens', () => {
  const signer = createTokenSigner('secret', 60);
  it('verifies its own id and access tokens until they expire', () => {
    const token = signer.issue('client-1', 'id', 1_000);
    expect(signer.verify(token, 1_000)).toBe('client-1');
    expect(signer.verify(signer.issue('client-1', 'access', 1_000), 60_999)).toBe('client-1');
    expect(signer.verify(token, 61_000)).toBeUndefined();
  });
  it('refuses refresh tokens, forged signatures and tampered payloads', () => {
    expect(signer.verify(signer.issue('c', 'refresh', 0), 0)).toBeUndefined();
    const token = signer.issue('c', 'id', 0);
    expect(createTokenSigner('other', 60).verify(token, 0)).toBeUndefined();
    const [payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ c: 'admin', k: 'id', e: 9e15 })).toString(
      'base64url',
    );
    expect(signer.verify(`${forged}.${signature}`, 0)).toBeUndefined();
    expect(signer.verify(`${payload}`, 0)).toBeUndefined();
    expect(signer.verify('', 0)).toBeUndefined();
  });
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
});
