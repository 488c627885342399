import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpEligibilityClient } from './eligibility-client.js';
import {
  FAKE_CREDENTIALS,
  type FakeEligibility,
  startFakeEligibility,
} from './testing/fake-eligibility.js';

describe('eligibility-api client', () => {
  let fake: FakeEligibility;
  beforeEach(async () => {
    fake = await startFakeEligibility();
    fake.cards.set('S1', 'registered');
  });
  afterEach(async () => fake.close());

  const logins = () => fake.requests.filter((r) => r.url === '/v1/auth/token').length;

  it('logs in once and reuses the token', async () => {
    const client = httpEligibilityClient({ baseUrl: fake.url, ...FAKE_CREDENTIALS });
    for (let i = 0; i < 3; i++) {
      const answer = await client.confirmCard({
        certificateSerial: 'S1',
        verificationMethod: 'pin',
      });
      expect(answer.ok).toBe(true);
    }
    expect(logins()).toBe(1);
  });

  it('logs in again once when the token is refused', async () => {
    const client = httpEligibilityClient({ baseUrl: fake.url, ...FAKE_CREDENTIALS });
    await client.confirmCard({ certificateSerial: 'S1', verificationMethod: 'pin' });
    fake.rotateToken();
    const answer = await client.confirmCard({
      certificateSerial: 'S1',
      verificationMethod: 'face',
    });
    expect(answer.ok).toBe(true);
    expect(logins()).toBe(2);
  });

  it('passes eligibility-api codes on, and reports bad credentials and an absent server', async () => {
    const client = httpEligibilityClient({ baseUrl: fake.url, ...FAKE_CREDENTIALS });
    expect(await client.registerCard('UNKNOWN')).toMatchObject({
      ok: false,
      code: 'PERSON_NOT_FOUND',
    });
    const wrong = httpEligibilityClient({ baseUrl: fake.url, clientId: 'x', clientSecret: 'y' });
    expect(await wrong.registerCard('S1')).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    const url = fake.url;
    await fake.close();
    const gone = httpEligibilityClient({ baseUrl: url, ...FAKE_CREDENTIALS, timeoutMs: 2_000 });
    expect(await gone.registerCard('S1')).toMatchObject({
      ok: false,
      code: 'UPSTREAM_UNAVAILABLE',
    });
    fake = await startFakeEligibility();
  });
});
