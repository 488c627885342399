import { describe, expect, it } from 'vitest';
import { readJlisConfig } from './config.js';

const SECRETS = {
  SHIKAKU_SERVICE_KEY: 'a-random-service-key-3f9c1b7e',
  JLIS_CONTROL_KEY: 'a-random-control-key-77ab20c9',
};

describe('jlis config', () => {
  it('reads its keys from the environment', () => {
    expect(readJlisConfig(SECRETS)).toMatchObject({
      serviceKey: SECRETS.SHIKAKU_SERVICE_KEY,
      controlKey: SECRETS.JLIS_CONTROL_KEY,
    });
  });

  it('refuses a missing or published-default key, naming the variable', () => {
    expect(() => readJlisConfig({ SHIKAKU_SERVICE_KEY: SECRETS.SHIKAKU_SERVICE_KEY })).toThrow(
      /^JLIS_CONTROL_KEY: is required/,
    );
    expect(() => readJlisConfig({ ...SECRETS, JLIS_CONTROL_KEY: 'jlis-dev-control-key' })).toThrow(
      /^JLIS_CONTROL_KEY: is a published default/,
    );
    expect(() => readJlisConfig({ ...SECRETS, SHIKAKU_SERVICE_KEY: 'dev-service-key' })).toThrow(
      /^SHIKAKU_SERVICE_KEY: is a published default/,
    );
  });
});
