import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG,
  PROCESS_MAX_CONNECTIONS,
  PROCESS_TARGET_LATENCY_MS,
  parseConfig,
} from './config.js';

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

  it('reads the load-shedding bounds (0 turns one off)', () => {
    expect(parseConfig(SECRETS).loadShedding).toEqual({
      ...DEFAULT_CONFIG.loadShedding,
      targetLatencyMs: PROCESS_TARGET_LATENCY_MS,
      maxConnections: PROCESS_MAX_CONNECTIONS,
    });
    expect(
      parseConfig({
        ...SECRETS,
        ELIGIBILITY_MAX_IN_FLIGHT: '10',
        ELIGIBILITY_MAX_DB_WAITING: '0',
        ELIGIBILITY_MAX_EVENT_LOOP_DELAY_MS: '50',
        ELIGIBILITY_RETRY_AFTER: '5',
        ELIGIBILITY_MAX_CONNECTIONS: '100',
        ELIGIBILITY_TARGET_LATENCY_MS: '0',
        ELIGIBILITY_SHED_CLOSE: '0',
      }).loadShedding,
    ).toEqual({
      maxInFlight: 10,
      maxDbWaiting: 0,
      maxEventLoopDelayMs: 50,
      retryAfterSeconds: 5,
      maxConnections: 100,
      targetLatencyMs: 0,
      closeOnRefusal: false,
    });
    expect(() => parseConfig({ ...SECRETS, ELIGIBILITY_MAX_IN_FLIGHT: '-1' })).toThrow(
      /ELIGIBILITY_MAX_IN_FLIGHT/,
    );
  });

  it('trusts no proxy unless told its addresses (ELIGIBILITY_TRUST_PROXY)', () => {
    expect(parseConfig(SECRETS).trustProxy).toBe(false);
    expect(parseConfig({ ...SECRETS, ELIGIBILITY_TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(
      parseConfig({ ...SECRETS, ELIGIBILITY_TRUST_PROXY: ' 10.0.0.1, 10.1.0.0/16 ,fd00::/8' })
        .trustProxy,
    ).toBe('10.0.0.1,10.1.0.0/16,fd00::/8');
    expect(parseConfig({ ...SECRETS, ELIGIBILITY_TRUST_PROXY: 'loopback' }).trustProxy).toBe(
      'loopback',
    );
    // Trust-everyone and hop counts are refused: with either a client could name its own address.
    for (const value of ['true', '1', '10.0.0.1/33', 'proxy.internal', '10.0.0.1/8/8'])
      expect(() => parseConfig({ ...SECRETS, ELIGIBILITY_TRUST_PROXY: value })).toThrow(
        /^ELIGIBILITY_TRUST_PROXY: /,
      );
  });

  it('reads the sign-in challenge limit (ELIGIBILITY_CITIZEN_CHALLENGE_RATE, 0: off)', () => {
    expect(parseConfig(SECRETS).citizenChallengeRatePerSecond).toBe(5);
    expect(
      parseConfig({ ...SECRETS, ELIGIBILITY_CITIZEN_CHALLENGE_RATE: '0' })
        .citizenChallengeRatePerSecond,
    ).toBe(0);
    expect(() => parseConfig({ ...SECRETS, ELIGIBILITY_CITIZEN_CHALLENGE_RATE: '-2' })).toThrow(
      /ELIGIBILITY_CITIZEN_CHALLENGE_RATE/,
    );
  });
});
