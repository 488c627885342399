import { afterEach, describe, expect, it } from 'vitest';
import { generatePopulation } from '@shikaku/synth/population';
import type { HttpRequest } from './eligibility-client.js';
import { runProfile } from './node-runner.js';
import { loadProfile } from './profile.js';
import { provisionCredentials, synthLoadFixtures } from './synth-fixtures.js';
import { startFakeEligibility, type FakeEligibility } from './testing/fake-eligibility.js';

let fake: FakeEligibility | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('synthetic load-test fixtures', () => {
  const options = { seed: 11, members: 3000, asOf: '2025-10-06' };

  it('come from the population the stack seeds, with linked valid cards, and no My Number anywhere in the traffic', async () => {
    const { fixtures, institutions } = synthLoadFixtures(options);
    expect(fixtures.insured.length).toBe(3000);
    expect(fixtures.cards.length).toBeGreaterThan(0);
    expect(institutions.length).toBeGreaterThan(3);
    const credentials = institutions.slice(0, 4).map((i, n) => ({
      institutionCode: i.institutionCode,
      clientId: `c${n}`,
      clientSecret: `s${n}`,
    }));
    const loadFixtures = { ...fixtures, institutions: credentials };
    fake = await startFakeEligibility(loadFixtures);
    const { profile } = await loadProfile('smoke');
    const sent: HttpRequest[] = [];
    const { summary } = await runProfile({
      profile: {
        ...profile,
        rateScale: 0.02,
        startPeakMultiple: 1,
        warmupS: 0,
        stages: [{ name: 'hold', durationS: 1, targetPeakMultiple: 1 }],
      },
      fixtures: loadFixtures,
      target: fake.url,
      seed: 1,
      confirmationDate: options.asOf,
      onRequest: (r) => sent.push(r),
    });
    expect(summary.pass).toBe(true);
    // The real test of the privacy boundary: every person's actual My Number, searched for in
    // the fixtures and in every byte the load test sent.
    const traffic = JSON.stringify([loadFixtures, sent, fake.requests]);
    let people = 0;
    for (const person of generatePopulation({
      seed: options.seed,
      size: options.members,
      asOf: options.asOf,
    })) {
      people++;
      expect(traffic.includes(person.myNumber)).toBe(false);
    }
    expect(people).toBe(3000);
  });

  it('provisions one credential and one practitioner per institution through the internal API with the service key', async () => {
    const calls: HttpRequest[] = [];
    const credentials = await provisionCredentials(
      async (request) => {
        calls.push(request);
        if (request.path.endsWith('/credentials'))
          return {
            status: 201,
            body: JSON.stringify({ clientId: `id-${calls.length}`, clientSecret: 'x' }),
          };
        if (request.path.endsWith('/practitioners')) return { status: 201, body: '{}' };
        return { status: calls.length === 1 ? 201 : 409, body: '{}' };
      },
      'key-1',
      [
        { institutionCode: '0110113719', facilityType: 'clinic', name: 'a' },
        { institutionCode: '0140000015', facilityType: 'pharmacy', name: 'b' },
      ],
    );
    expect(credentials.map((c) => c.institutionCode)).toEqual(['0110113719', '0140000015']);
    expect(calls.every((c) => c.headers['x-service-key'] === 'key-1')).toBe(true);
    // The pharmacy's practitioner is a pharmacist, the clinic's a doctor; each with its own key.
    const roles = calls
      .filter((c) => c.path.endsWith('/practitioners'))
      .map((c) => (JSON.parse(c.body!) as { role: string }).role);
    expect(roles).toEqual(['doctor', 'pharmacist']);
    expect(credentials.map((c) => c.practitioner?.privateKeyJwk.crv)).toEqual(['P-256', 'P-256']);
    await expect(
      provisionCredentials(async () => ({ status: 500, body: 'no' }), 'k', [
        { institutionCode: '0110113719', facilityType: 'clinic', name: 'a' },
      ]),
    ).rejects.toThrow(/could not register/);
  });
});
