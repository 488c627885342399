import { describe, expect, it } from 'vitest';
import { analyse, findSaturation } from './analysis.js';
import { loadProfile } from './profile.js';
import { renderReport } from './report.js';
import { latencyStats, summarise, type IterationRecord } from './summary.js';
import { answeredRecord } from './testing/records.js';

/** A synthetic run: the rate ramps 10 → 100/s over 60 s; latency bends once the rate passes 60/s. */
async function rampRun(bendAt = 60): Promise<IterationRecord[]> {
  const records: IterationRecord[] = [];
  let t = 0;
  while (t < 60) {
    const rate = 10 + (90 * t) / 60;
    const latency = rate > bendAt ? 0.02 + (rate - bendAt) * 0.02 : 0.02;
    records.push(answeredRecord(t, latency));
    t += 1 / rate;
  }
  return records;
}

async function summary(records: IterationRecord[]) {
  const { profile } = await loadProfile('national-peak');
  return summarise({
    profile: { ...profile, rateScale: 0.05 },
    durationScale: 1,
    target: 'http://127.0.0.1:8500',
    startedAt: '2026-01-05T00:00:00.000Z',
    plannedStages: [{ name: 'ramp', startS: 0, durationS: 60, fromRate: 10, toRate: 100 }],
    records,
    durationS: 60,
  });
}

describe('analysis', () => {
  it('finds the saturation point where p99 bends; a ramp alone gives no plateau and no instance count', async () => {
    const s = await summary(await rampRun());
    const saturation = findSaturation(s)!;
    expect(saturation.offeredRate).toBeGreaterThan(60);
    expect(saturation.offeredRate).toBeLessThan(75);
    expect(saturation.errorsBefore).toBe(false);
    const a = analyse(s);
    expect(a.designRate).toBe(2000);
    expect(a.plateaus).toEqual([]);
    expect(a.capacityWithheld).toMatch(/^no plateau/);
    expect(a.capacity.map((c) => [c.factor, c.instances])).toEqual([
      [1, null],
      [1.25, null],
      [1.5, null],
      [2, null],
    ]);
  });

  it('reports no saturation on a flat run, nor for a one-second stall', async () => {
    expect(findSaturation(await summary(await rampRun(1000)))).toBeNull();
    const stalled = (await rampRun(1000)).map((r) =>
      r.scheduledS >= 20 && r.scheduledS < 21 ? { ...r, doneS: 21.5 } : r,
    );
    expect(findSaturation(await summary(stalled))).toBeNull();
  });

  it('latencyStats uses nearest-rank percentiles', () => {
    const s = latencyStats(Array.from({ length: 100 }, (_, i) => i + 1));
    expect([s.p50, s.p95, s.p99, s.max, s.mean]).toEqual([50, 95, 99, 100, 50.5]);
  });
});

describe('renderReport', () => {
  it('is one self-contained page: charts inlined, no CDN, every section present', async () => {
    const html = await renderReport(await summary(await rampRun()));
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).toContain('uPlot');
    for (const heading of [
      'Is this run valid?',
      'Steady state',
      'SLO thresholds',
      'Offered vs achieved throughput',
      'p99 latency per route over time',
      'Errors by type',
      'Saturation point',
      'Headroom and capacity model',
      'National peak derivation',
      'Request mix',
      'Environment',
    ]) {
      expect(html).toContain(heading);
    }
    expect(html).toContain('instances = ⌈ R_peak × growth ÷ (X × u) ⌉');
    // The embedded data cannot close its script tag early.
    const data = /<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(JSON.parse(data).timeline.length).toBeGreaterThan(10);
  });
});
