// The stack's portal seed marks institutions operating without the operator's approval route;
// registerOperatingInstitutions makes each of them known to eligibility-api, idempotently.
import type {} from '@shikaku/db/testing/global-setup';
import { listOperatingInstitutions } from '@shikaku/db/portal/accounts';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { expect, it } from 'vitest';
import { seedPortal } from '../seed.js';
import type { EligibilityCredentialsClient } from './eligibility-client.js';
import { registerOperatingInstitutions } from './operating-sync.js';

describeEachDatabase('operating institutions known to eligibility-api', ({ handle }) => {
  it('registers every operating institution (the demo pharmacy too), and again changes nothing', async () => {
    const clock = { now: () => new Date('2021-08-02T01:00:00Z') };
    await seedPortal(handle(), clock, { seed: 1, scale: 0.0005 });
    // A fake eligibility-api whose registration is an upsert, as POST /v1/internal/institutions.
    const known = new Map<string, { facilityType: string; name: string }>();
    let calls = 0;
    const eligibility: EligibilityCredentialsClient = {
      async registerInstitution({ institutionCode, facilityType, name }) {
        calls += 1;
        known.set(institutionCode, { facilityType, name });
      },
      issueCredential: () => Promise.reject(new Error('not used')),
      revokeCredential: () => Promise.reject(new Error('not used')),
    };

    const operating = await listOperatingInstitutions(handle(), clock.now());
    expect(await registerOperatingInstitutions(handle(), clock, eligibility)).toBe(
      operating.length,
    );
    expect(known.get('1349999993')).toEqual({ facilityType: 'pharmacy', name: 'デモ目黒薬局' });
    // Registered but not operating (nothing applied / 機種未定): not registered.
    expect(known.has('1319999999')).toBe(false);
    expect(known.has('1319999981')).toBe(false);
    expect([...known.keys()].sort()).toEqual(operating.map((i) => i.institutionCode));
    expect(operating.length).toBeGreaterThan(1);

    const before = new Map(known);
    await registerOperatingInstitutions(handle(), clock, eligibility);
    expect(known).toEqual(before);
    expect(calls).toBe(2 * operating.length);
  });
});
