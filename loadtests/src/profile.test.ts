import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  deriveNationalPeak,
  deriveRequestMix,
  loadProfile,
  parseProfile,
  planStages,
  PROFILES_DIR,
  ProfileError,
  ROUTES,
} from './profile.js';

describe('profiles', () => {
  it('every committed profile validates, and the required ones exist', async () => {
    const names = (await readdir(PROFILES_DIR)).filter(
      (f) => f.endsWith('.json') && !f.includes('schema'),
    );
    expect(names.sort()).toEqual([
      'breakpoint.json',
      'national-peak.json',
      'smoke.json',
      'soak.json',
      'spike.json',
      'steps.json',
      'stress.json',
    ]);
    for (const name of names) {
      const { profile } = await loadProfile(name.replace('.json', ''));
      expect(profile.name).toBe(name.replace('.json', ''));
    }
  });

  it('derives the national design peak of 2,000/s from DESIGN.md figures, step by step', async () => {
    const { profile } = await loadProfile('national-peak');
    const { steps, designRate } = deriveNationalPeak(profile.national);
    const byLabel = Object.fromEntries(steps.map((s) => [s.label, s.value]));
    expect(byLabel['per weekday-equivalent']).toBeCloseTo(11_441_667, 0);
    expect(byLabel['peak hour (9–10 am)']).toBeCloseTo(445, 0);
    expect(byLabel['month start']).toBeCloseTo(778.7, 0);
    expect(byLabel['peak minute']).toBeCloseTo(1245.9, 0);
    expect(designRate).toBe(2000);
    // A planner's change shows through: half the monthly volume halves the rate.
    expect(
      deriveNationalPeak({ ...profile.national, monthlyConfirmations: 137_300_000 }).designRate,
    ).toBe(1000);
  });

  it('steps holds seven rates up to the national peak, each long enough for a plateau', async () => {
    const held = planStages((await loadProfile('steps')).profile).filter((s) =>
      s.name.startsWith('hold'),
    );
    expect(held.map((s) => s.toRate)).toEqual([100, 200, 400, 700, 1000, 1500, 2000]);
    expect(held.every((s) => s.durationS >= 20)).toBe(true);
  });

  it('stress is three times national peak; smoke is small enough for CI', async () => {
    const stress = planStages((await loadProfile('stress')).profile);
    expect(Math.max(...stress.map((s) => s.toRate))).toBe(6000);
    const smoke = planStages((await loadProfile('smoke')).profile);
    expect(smoke.reduce((s, st) => s + st.durationS, 0)).toBeLessThanOrEqual(20);
    expect(Math.max(...smoke.map((s) => s.toRate))).toBe(10);
  });

  it('the mix follows national shares: 37% of confirmations by card, 1 in 8 checks in bulk', async () => {
    const { profile } = await loadProfile('national-peak');
    const mix = deriveRequestMix(profile.workload);
    expect(ROUTES.reduce((s, r) => s + mix[r], 0)).toBeCloseTo(1, 10);
    expect(mix['card-confirmation'] / mix['insurance-card-confirmation']).toBeCloseTo(
      0.37 / 0.505,
      6,
    );
    // bulk requests carry 10 checks each: 0.125 of checks → 0.0125 requests per confirmation
    expect(mix['bulk-inquiry'] / mix['card-confirmation']).toBeCloseTo(0.0125 / 0.37, 6);
    expect(mix['drug-view'] + mix['checkup-view']).toBeGreaterThan(0);
  });

  it('the per-route profiles are national-peak with one kind of request (and searches for views)', async () => {
    const { profile: national } = await loadProfile('national-peak');
    const only = async (name: string) => {
      const { profile } = await loadProfile(new URL(`routes/${name}.json`, PROFILES_DIR).pathname);
      // Same stages, rates, thresholds and workload as national-peak: only the mix's three shares
      // differ (bulkItemsPerRequest and drugViewShare stay national-peak's).
      const mix = { cardShare: 0, bulkShare: 0, viewsPerConfirmation: 0 };
      expect({
        ...profile,
        $schema: '',
        name: '',
        description: '',
        workload: { ...profile.workload, ...mix },
      }).toEqual({
        ...national,
        $schema: '',
        name: '',
        description: '',
        workload: { ...national.workload, ...mix },
      });
      const shares = deriveRequestMix(profile.workload);
      return ROUTES.filter((r) => shares[r] > 0).sort();
    };
    expect(await only('search-only')).toEqual(['insurance-card-confirmation']);
    expect(await only('card-only')).toEqual(['card-confirmation']);
    expect(await only('views')).toEqual(
      ['checkup-view', 'drug-view', 'insurance-card-confirmation'].sort(),
    );
  });

  it('rejects a bad profile with the field and a reason', async () => {
    const { profile } = await loadProfile('smoke');
    const bad = {
      ...profile,
      stages: [{ name: 'x', durationS: -1, targetPeakMultiple: 1 }],
      extra: 1,
    };
    try {
      parseProfile(bad, 'bad.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProfileError);
      const fields = (error as ProfileError).problems.map((p) => p.field);
      expect(fields).toContain('stages.0.durationS');
      expect((error as ProfileError).message).toMatch(/^bad\.json: /);
    }
    await expect(loadProfile('no-such-profile')).rejects.toThrow(/no such profile file/);
  });

  it('the committed JSON schema is the TypeBox schema', async () => {
    const { LoadProfile } = await import('./profile.js');
    const committed = JSON.parse(
      await readFile(new URL('profile.schema.json', PROFILES_DIR), 'utf8'),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(LoadProfile)));
  });
});
