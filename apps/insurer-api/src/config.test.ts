import { describe, expect, it } from 'vitest';
import { readInsurerApiConfig } from './config.js';

const SECRETS = {
  SHIKAKU_SERVICE_KEY: 'a-random-service-key-3f9c1b7e',
  PERSON_REF_SECRET: 'a-random-person-ref-secret-51e0',
};

describe('insurer-api config', () => {
  it('reads its secrets; the J-LIS client sends the same service key', () => {
    const config = readInsurerApiConfig(SECRETS);
    expect(config.serviceKey).toBe(SECRETS.SHIKAKU_SERVICE_KEY);
    expect(config.jlis.serviceKey).toBe(SECRETS.SHIKAKU_SERVICE_KEY);
    expect(config.personRefSecret).toBe(SECRETS.PERSON_REF_SECRET);
  });

  it('refuses a missing or published-default secret, naming the variable', () => {
    expect(() => readInsurerApiConfig({})).toThrow(/^SHIKAKU_SERVICE_KEY: is required/);
    expect(() => readInsurerApiConfig({ ...SECRETS, PERSON_REF_SECRET: '' })).toThrow(
      /^PERSON_REF_SECRET: is required/,
    );
    expect(() =>
      readInsurerApiConfig({ ...SECRETS, SHIKAKU_SERVICE_KEY: 'dev-service-key' }),
    ).toThrow(/^SHIKAKU_SERVICE_KEY: is a published default/);
    expect(() =>
      readInsurerApiConfig({ ...SECRETS, PERSON_REF_SECRET: 'shikaku-dev-person-ref-secret' }),
    ).toThrow(/^PERSON_REF_SECRET: is a published default/);
  });
});
