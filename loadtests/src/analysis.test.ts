import { describe, expect, it } from 'vitest';
import { analyse, headlineFigures, summariseRepeats } from './analysis.js';
import { renderReport } from './report.js';
import { readSummary } from './run-load-test.js';

/**
 * Recorded runs (summary.json as the Node runner writes it, one-second windows and resource
 * samples), in `testing/recorded/`:
 * - starved-national-peak: issue 19's run of `loadtest national-peak --duration-scale 0.3` on a
 *   shared 2-core machine: a cold first window of 90/s, a hold at 2,000/s offered that carried
 *   560–835/s, the generator's event-loop p99 at 1.3 s, load average 14.
 * - healthy-steps: `loadtest steps --duration-scale 0.5` on a quiet machine: each step's first
 *   window cold, every rate up to 700/s held within the SLOs, 1,000/s and above saturated at ~820/s.
 */
const recorded = (name: string) =>
  readSummary(new URL(`./testing/recorded/${name}.summary.json`, import.meta.url).pathname);

describe('a recorded run with a cold first window and a starved generator', () => {
  it('is invalid because of the generator, and gives no instance count', async () => {
    const a = analyse(await recorded('starved-national-peak'));
    expect(a.validity.valid).toBe(false);
    expect(a.validity.verdict).toMatch(
      /^invalid, because the load generator was starved: its event loop lagged more than 100 ms in \d+% of the measured seconds \(worst 1,310 ms\)/,
    );
    const failed = a.validity.checks.filter((c) => c.status === 'fail').map((c) => c.name);
    expect(failed).toEqual([
      'load generator event loop',
      'offered as scheduled',
      'load average',
      'CPU pressure',
    ]);
    expect(a.capacityWithheld).toBe(a.validity.verdict);
    expect(a.capacity.every((c) => c.instances === null)).toBe(true);
  });

  it('reads the plateau from the hold, after its warm-up, never from the cold first window', async () => {
    const a = analyse(await recorded('starved-national-peak'));
    expect(a.plateaus).toHaveLength(1);
    const [hold] = a.plateaus;
    expect(hold).toMatchObject({
      stage: 'hold peak',
      startS: 13,
      warmupExcludedS: 1,
      windows: 17,
      offeredRate: 2000,
      achieved: { median: 700, p10: 590, p90: 810 },
      withinSlo: false,
      saturated: true,
    });
    expect(a.sustained).toBeNull();
    expect(a.sustainableRate).toBe(0);
    expect(a.ceiling).toBe(hold);
    expect(a.basis).toMatchObject({ rate: 700, source: 'saturated-ceiling' });
    // The cold window's 400/s ramp rate is not a saturation point.
    expect(a.saturation?.atS ?? 99).toBeGreaterThan(1);
  });

  it('puts the verdict before any figure, in the report and in the CLI figures', async () => {
    const summary = await recorded('starved-national-peak');
    const a = analyse(summary);
    const figures = headlineFigures(summary, a);
    expect(figures[0]).toEqual({ label: 'run', value: a.validity.verdict });
    expect(figures.find((f) => f.label === 'instances for the national peak')!.value).toBe(
      `not stated: ${a.validity.verdict}`,
    );
    const html = await renderReport(summary);
    const verdictAt = html.indexOf('This run is invalid, because the load generator was starved');
    expect(verdictAt).toBeGreaterThan(0);
    expect(verdictAt).toBeLessThan(html.indexOf('<h2>Steady state'));
    expect(html).toContain('No instance count: invalid, because');
    expect(html).not.toContain('share of completed');
  });
});

describe('a recorded healthy step run', () => {
  it('is valid, and states the sustained plateau, its spread and the instances', async () => {
    const summary = await recorded('healthy-steps');
    const a = analyse(summary);
    expect(a.validity.verdict).toBe('valid');
    expect(a.plateaus.map((p) => [p.offeredRate, p.withinSlo])).toEqual([
      [100, true],
      [200, true],
      [400, true],
      [700, true],
      [1000, false],
      [1500, false],
      [2000, false],
    ]);
    expect(a.sustained).toMatchObject({
      stage: 'hold 700/s',
      warmupExcludedS: 1,
      windows: 9,
      achieved: { median: 700, p10: 693, p90: 707 },
    });
    expect(a.ceiling!.achieved.median).toBe(820);
    expect(a.basis).toMatchObject({ rate: 700, source: 'sustained-within-slo', lowerBound: false });
    // ⌈2,000 ÷ (700 × 0.7)⌉ = ⌈4.08⌉
    expect(a.capacity[0]).toMatchObject({ scenario: expect.any(String), instances: 5 });
    expect(a.capacity.map((c) => c.instances)).toEqual([5, 6, 7, 9]);
    expect(a.capacityWithheld).toBeNull();
  });

  it('draws the throughput–latency curve from the plateaus, one unit per axis', async () => {
    const html = await renderReport(await recorded('healthy-steps'));
    expect(html).toContain('id="chart-curve-latency"');
    // One instance: no per-instance chart.
    expect(html).not.toContain('id="chart-instances"');
    expect(html).not.toContain('mixed units');
    expect(html).not.toContain("'% / count'");
  });

  it('summarises repeats: the median and range of valid runs only', async () => {
    const healthy = analyse(await recorded('healthy-steps'));
    const starved = analyse(await recorded('starved-national-peak'));
    const r = summariseRepeats([healthy, starved, healthy]);
    expect(r).toMatchObject({
      runs: 3,
      valid: 2,
      basisRate: { median: 700, min: 700, max: 700 },
      instances: { median: 5, min: 5, max: 5 },
    });
    expect(r.verdicts[1]).toMatch(/^invalid, because/);
  });
});
