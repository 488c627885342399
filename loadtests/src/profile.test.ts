import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  deriveNationalPeak,
  deriveRequestMix,
  loadProfile,
  mergeProfiles,
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

  it('each per-route profile, resolved through `extends`, is the whole file it replaced', async () => {
    for (const name of ['card-only', 'search-only', 'views']) {
      const before = JSON.parse(
        await readFile(
          new URL(`testing/route-profiles-before-extends/${name}.json`, import.meta.url),
          'utf8',
        ),
      );
      const file = JSON.parse(await readFile(new URL(`routes/${name}.json`, PROFILES_DIR), 'utf8'));
      expect(file.extends).toBe('national-peak');
      const { profile } = await loadProfile(new URL(`routes/${name}.json`, PROFILES_DIR).pathname);
      expect(profile).toEqual(before);
    }
  });

  it('merges an extended profile deeply: the child’s keys win, arrays are replaced whole', () => {
    const parent = {
      name: 'parent',
      workload: { cardShare: 0.37, bulkShare: 0.125 },
      stages: [
        { name: 'ramp', durationS: 60, targetPeakMultiple: 1 },
        { name: 'hold', durationS: 60, targetPeakMultiple: 1 },
      ],
    };
    const child = {
      name: 'child',
      workload: { cardShare: 1 },
      stages: [{ name: 'short', durationS: 5, targetPeakMultiple: 0.5 }],
    };
    expect(mergeProfiles(parent, child)).toEqual({
      name: 'child',
      workload: { cardShare: 1, bulkShare: 0.125 },
      stages: [{ name: 'short', durationS: 5, targetPeakMultiple: 0.5 }],
    });
    expect(parent.workload.cardShare).toBe(0.37);
  });

  it('follows `extends` by name and by relative path, and refuses a cycle naming the chain', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'profile-extends-'));
    try {
      const write = (name: string, json: object) =>
        writeFile(join(dir, name), JSON.stringify(json));
      // Two levels: c → b (relative path) → national-peak (by name).
      await write('b.json', { extends: 'national-peak', name: 'b', rateScale: 0.5 });
      await write('c.json', { extends: './b.json', name: 'c', thresholds: { p99LatencyMs: 50 } });
      const { profile: national } = await loadProfile('national-peak');
      const { profile } = await loadProfile(join(dir, 'c.json'));
      expect(profile).toEqual({
        ...national,
        name: 'c',
        rateScale: 0.5,
        thresholds: { ...national.thresholds, p99LatencyMs: 50 },
      });

      await write('x.json', { extends: './y.json', name: 'x' });
      await write('y.json', { extends: 'x.json', name: 'y' });
      const cycle = loadProfile(join(dir, 'x.json'));
      await expect(cycle).rejects.toBeInstanceOf(ProfileError);
      await expect(cycle).rejects.toThrow(/cycle: .*x\.json → .*y\.json → .*x\.json/);

      await write('orphan.json', { extends: './missing.json', name: 'orphan' });
      await expect(loadProfile(join(dir, 'orphan.json'))).rejects.toThrow(
        /missing\.json: \(root\): no such profile file/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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
    const { ProfileFile } = await import('./profile.js');
    const committed = JSON.parse(
      await readFile(new URL('profile.schema.json', PROFILES_DIR), 'utf8'),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(ProfileFile)));
  });
});
