import { deriveNationalPeak } from './profile.js';
import type { LoadSummary, TimelinePoint } from './summary.js';

/**
 * What a planner reads off a run: where latency bends (saturation), the highest throughput that
 * met every SLO, headroom against the national design peak, and instances needed.
 */

export interface Saturation {
  /** Offered rate (requests/s) of the first window where p99 bent or throughput fell behind. */
  offeredRate: number;
  atS: number;
  reason: string;
  /** Whether errors had already appeared by then (else the bend came first, as it should). */
  errorsBefore: boolean;
}

export interface CapacityRow {
  scenario: string;
  factor: number;
  requiredRate: number;
  instances: number | null;
}

export interface Analysis {
  designRate: number;
  derivedRate: number;
  /** Highest achieved rate over windows that met every threshold (requests/s). */
  sustainableRate: number;
  headroom: number;
  saturation: Saturation | null;
  targetUtilisation: number;
  capacity: CapacityRow[];
  formula: string;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
};

/** A window meets the SLO when its p99, error rate and drops are all within the thresholds. */
function windowMeetsSlo(point: TimelinePoint, summary: LoadSummary): boolean {
  const t = summary.profile.thresholds;
  const arrivals = point.offeredRate * summary.windowS;
  return (
    point.all.count > 0 &&
    point.all.p99 <= t.p99LatencyMs &&
    point.errorRate <= t.errorRate &&
    (arrivals === 0 ? 0 : point.dropped / arrivals) <= t.droppedRate
  );
}

/**
 * Saturation: the first window that starts a run of about five seconds (three windows at least)
 * in which every window's p99 exceeds twice the baseline (and by 50 ms at least) or drops
 * arrivals, or over which achieved throughput falls 10% behind what was offered (summed, so
 * completions that straddle a window edge do not read as a bend). The baseline is the median p99
 * of the first five windows: the lowest load of a ramp.
 */
export function findSaturation(summary: LoadSummary): Saturation | null {
  const points = summary.timeline.filter((p) => p.all.count > 0);
  const runLength = Math.max(3, Math.ceil(5 / summary.windowS));
  if (points.length < runLength + 2) return null;
  const baseline = median(points.slice(0, 5).map((p) => p.all.p99));
  const slow = (p: TimelinePoint) =>
    (p.all.p99 > 2 * baseline && p.all.p99 > baseline + 50) || p.dropped > 0;
  const behindFrom = (j: number) => {
    const run = points.slice(j, j + runLength);
    return (
      run.length === runLength &&
      run.reduce((s, p) => s + p.achievedRate, 0) < 0.9 * run.reduce((s, p) => s + p.offeredRate, 0)
    );
  };
  // Behind over every run that starts in the first one: a stall that catches up is not a bend.
  const staysBehind = (i: number) =>
    Array.from({ length: runLength }, (_, k) => i + k).every(behindFrom);
  for (let i = 1; i + runLength <= points.length; i++) {
    const run = points.slice(i, i + runLength);
    const p = points[i]!;
    const reason = run.every(slow)
      ? p.dropped > 0
        ? 'arrivals dropped (in-flight limit reached)'
        : `p99 ${p.all.p99.toFixed(0)} ms vs baseline ${baseline.toFixed(0)} ms, and it stayed up`
      : staysBehind(i)
        ? `achieved fell 10% behind offered over ${runLength} windows`
        : undefined;
    if (reason) {
      return {
        offeredRate: p.offeredRate,
        atS: p.t,
        reason,
        errorsBefore: points.slice(0, i).some((q) => q.errorRate > 0),
      };
    }
  }
  return null;
}

export function analyse(summary: LoadSummary, targetUtilisation = 0.7): Analysis {
  const { designRate, derivedRate } = deriveNationalPeak(summary.profile.national);
  const good = summary.timeline.filter((p) => windowMeetsSlo(p, summary));
  // Completions bunch up across window edges: a window never counts more than was offered in it.
  let sustainableRate = good.length
    ? Math.max(...good.map((p) => Math.min(p.achievedRate, p.offeredRate)))
    : 0;
  if (summary.timeline.length === 0) {
    // k6 summaries carry stages only: take the best stage when the whole run met its SLOs.
    sustainableRate = summary.pass ? Math.max(0, ...summary.stages.map((s) => s.achievedRate)) : 0;
  }
  const capacity = summary.profile.national.growthScenarios.map((g) => {
    const requiredRate = designRate * g.factor;
    return {
      scenario: g.name,
      factor: g.factor,
      requiredRate,
      instances:
        sustainableRate > 0
          ? Math.ceil(requiredRate / (sustainableRate * targetUtilisation))
          : null,
    };
  });
  return {
    designRate,
    derivedRate,
    sustainableRate,
    headroom: designRate > 0 ? sustainableRate / designRate : 0,
    saturation: findSaturation(summary),
    targetUtilisation,
    capacity,
    formula: `instances = ⌈ R_peak × growth ÷ (X_sustained × u) ⌉ with R_peak = ${designRate}/s, X_sustained = ${sustainableRate.toFixed(1)}/s per instance, u = ${targetUtilisation}`,
  };
}
