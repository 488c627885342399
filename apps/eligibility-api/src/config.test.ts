import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

const SECRETS = {
  SHIKAKU_SERVICE_KEY: 'a-random-service-key-3f9c1b7e',
  ELIGIBILITY_TOKEN_SECRET: 'a-random-token-secret-8d2a6c04',
};

describe('eligibility-api config', () => {
  it('reads its secrets from the environment', () => {
    const config = parseConfig(SECRETS);
    expect(config.serviceKey).toBe(SECRETS.SHIKAKU_SERVICE_KEY);
    expect(config.tokenSecret).toBe(SECRETS.ELIGIBILITY_TOKEN_SECRET);
  });

  it('refuses to start without a secret, naming the variable', () => {
    expect(() => parseConfig({ SHIKAKU_SERVICE_KEY: SECRETS.SHIKAKU_SERVICE_KEY })).toThrow(
      /^ELIGIBILITY_TOKEN_SECRET: is required/,
    );
    expect(() => parseConfig({ ELIGIBILITY_TOKEN_SECRET: 'x'.repeat(32) })).toThrow(
      /^SHIKAKU_SERVICE_KEY: is required/,
    );
  });

  it('refuses the defaults the READMEs once showed (anyone could forge an idToken with them)', () => {
    expect(() => parseConfig({ ...SECRETS, ELIGIBILITY_TOKEN_SECRET: 'dev-token-secret' })).toThrow(
      /ELIGIBILITY_TOKEN_SECRET: is a published default/,
    );
    expect(() => parseConfig({ ...SECRETS, SHIKAKU_SERVICE_KEY: 'dev-service-key' })).toThrow(
      /SHIKAKU_SERVICE_KEY: is a published default/,
    );
  });
});
