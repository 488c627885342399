// The stack's portal seed marks institutions operating without the operator's approval route;
// operatingInstitutionsToRegister lists them as eligibility-api registers them.
import type {} from '@shikaku/db/testing/global-setup';
import { listOperatingInstitutions } from '@shikaku/db/portal/accounts';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { expect, it } from 'vitest';
import { seedPortal } from '../seed.js';
import { operatingInstitutionsToRegister } from './operating-sync.js';

describeEachDatabase('operating institutions to register with eligibility-api', ({ handle }) => {
  it('lists every operating institution (the demo pharmacy too) in eligibility-api terms', async () => {
    const clock = { now: () => new Date('2021-08-02T01:00:00Z') };
    await seedPortal(handle(), clock, { seed: 1, scale: 0.0005 });

    const operating = await listOperatingInstitutions(handle(), clock.now());
    const listed = await operatingInstitutionsToRegister(handle(), clock.now());
    expect(listed.map((i) => i.institutionCode)).toEqual(operating.map((i) => i.institutionCode));
    expect(operating.length).toBeGreaterThan(1);
    const byCode = new Map(listed.map((i) => [i.institutionCode, i]));
    expect(byCode.get('1349999993')).toEqual({
      institutionCode: '1349999993',
      facilityType: 'pharmacy',
      name: 'デモ目黒薬局',
    });
    // Registered but not operating (nothing applied / 機種未定): not listed.
    expect(byCode.has('1319999999')).toBe(false);
    expect(byCode.has('1319999981')).toBe(false);
    // eligibility-api's internal endpoint names a dental clinic 'dental' (the seed has some).
    const types = new Set(listed.map((i) => i.facilityType));
    expect(types.has('dental')).toBe(true);
    expect(types.has('dental-clinic')).toBe(false);
    for (const type of types) expect(['hospital', 'clinic', 'dental', 'pharmacy']).toContain(type);
  });
});
