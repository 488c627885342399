import { describe, expect, it } from 'vitest';
import { ConfigError, newSecret, requireSecret, secretProblem } from './secrets.js';

describe('secrets from the environment', () => {
  it('refuses a missing secret, naming the variable', () => {
    expect(() => requireSecret({}, 'ELIGIBILITY_TOKEN_SECRET')).toThrow(ConfigError);
    expect(() => requireSecret({ X: '' }, 'X')).toThrow(/^X: is required/);
  });

  it('refuses the published defaults and short values', () => {
    for (const value of [
      'dev-token-secret',
      'dev-service-key',
      'jlis-dev-control-key',
      'shikaku-dev-person-ref-secret',
      'dev-anything-long-enough-here',
      'short',
    ]) {
      expect(secretProblem(value), value).toBeDefined();
    }
    expect(() => requireSecret({ S: 'dev-service-key' }, 'S')).toThrow(
      /^S: is a published default/,
    );
  });

  it('accepts a random value, and newSecret makes one', () => {
    const secret = newSecret();
    expect(secret).not.toBe(newSecret());
    expect(requireSecret({ S: secret }, 'S')).toBe(secret);
  });
});
