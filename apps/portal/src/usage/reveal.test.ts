import { describe, expect, it } from 'vitest';
import { newToken } from '../auth/tokens.js';
import { openSecret, sealSecret } from './reveal.js';

describe('sealed secrets', () => {
  it('opens only with the token it was sealed under, and never shows the secret sealed', () => {
    const token = newToken();
    const sealed = sealSecret(token, 'secret-1-xyzzy');
    expect(sealed).not.toContain('secret');
    expect(openSecret(token, sealed)).toBe('secret-1-xyzzy');
    expect(openSecret(newToken(), sealed)).toBeUndefined();
    const altered = `${sealed.slice(0, -2)}${sealed.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(openSecret(token, altered)).toBeUndefined();
    expect(openSecret(token, 'short')).toBeUndefined();
  });
});
