import { deriveNationalPeak } from './profile.js';
import type { LoadSummary, TimelinePoint } from './summary.js';

/**
 * What a planner reads off a run, in the order they must read it: first whether the run measured
 * the system at all (validity), then the steady state (plateaus of held rates, warm-up excluded),
 * the throughput–latency curve they make, and only then capacity: headroom against the national
 * design peak and instances needed. An invalid run gets no instance count.
 */

/** Limits of a valid run. Each one names what it protects against. */
export const VALIDITY_LIMITS = {
  /** A second in which the generator's event-loop p99 exceeded this lagged… */
  eventLoopLagMs: 100,
  /** …and a run with more than this share of lagging seconds measured its generator. */
  laggingSecondsShare: 0.1,
  /** Arrivals sent ≥ 100 ms after they were due (LATE_SEND_MS) were not offered as scheduled. */
  lateSendShare: 0.05,
  /** Median 1-minute load average over the run, per core: above it the machine was overcommitted. */
  loadPerCore: 2,
  /** Median CPU pressure (some avg10, %): tasks waited for a CPU this share of the time. */
  cpuPressurePercent: 50,
  /** Median CPU of everything but the generator, the target and PostgreSQL, in cores. */
  otherWorkCores: 0.5,
  /** Completed requests over the plateaus: fewer is too little to state a rate and a p99. */
  minRequests: 1000,
} as const;

export type CheckStatus = 'pass' | 'fail' | 'unknown';

export interface ValidityCheck {
  name: string;
  status: CheckStatus;
  /** What was measured, in words with units ("lagged in 35% of 100 s; worst 1,300 ms"). */
  measured: string;
  limit: string;
  /** Why the run is invalid, when this check failed. */
  because?: string;
}

export interface Validity {
  valid: boolean;
  checks: ValidityCheck[];
  /** "invalid, because …" or "valid" (with the checks that could not be made). */
  verdict: string;
}

/** A held rate's steady state: the windows of a constant-rate stage after its warm-up. */
export interface Plateau {
  stage: string;
  startS: number;
  endS: number;
  /** Seconds at the start of the stage left out as warm-up (cold caches, ramp transition). */
  warmupExcludedS: number;
  windows: number;
  /** Arrivals scheduled per second in the stage. */
  offeredRate: number;
  /** Successful responses per second: median and p10–p90 over the plateau's windows. */
  achieved: { median: number; p10: number; p90: number };
  /** Latency from the scheduled time, median over the windows of each window's p50 / p99. */
  p50Ms: number;
  p99Ms: number;
  /** 90th percentile of the windows' p99: the SLO is judged on it (9 seconds in 10 within). */
  p99P90Ms: number;
  requests: number;
  /** Errors ÷ completed, and dropped arrivals ÷ offered arrivals. */
  errorShare: number;
  droppedShare: number;
  withinSlo: boolean;
  /** Throughput fell behind the offered rate or arrivals were dropped: the instance's ceiling. */
  saturated: boolean;
  /** Why the SLO was not met (empty when it was). */
  sloBroken: string[];
}

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

/** The per-instance rate the capacity model divides by, and where it came from. */
export interface CapacityBasis {
  rate: number;
  spread: { p10: number; p90: number };
  source: 'sustained-within-slo' | 'saturated-ceiling';
  /** Not saturated: the instance can do more, so instance counts are an upper bound. */
  lowerBound: boolean;
  stage: string;
  /** Instances that carried `rate` together (a topology run; else 1). */
  instancesMeasured: number;
  /** X of the model: `rate` ÷ the instances that carried it (round-robin: an equal share each). */
  perInstanceRate: number;
}

export interface Analysis {
  designRate: number;
  derivedRate: number;
  validity: Validity;
  plateaus: Plateau[];
  /** The highest plateau that met every SLO, or null. */
  sustained: Plateau | null;
  /** The highest throughput a saturated plateau carried, or null when none saturated. */
  ceiling: Plateau | null;
  basis: CapacityBasis | null;
  /** Sustained within-SLO rate (requests/s); 0 when no plateau met the SLOs. */
  sustainableRate: number;
  headroom: number;
  saturation: Saturation | null;
  targetUtilisation: number;
  capacity: CapacityRow[];
  /** Why no instance count is given (invalid run, no plateau), or null when one is. */
  capacityWithheld: string | null;
  formula: string;
}

export const quantile = (values: number[], q: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
};
const median = (values: number[]) => quantile(values, 0.5);
const round1 = (v: number) => Math.round(v * 10) / 10;
const fmt = (v: number, digits = 0) =>
  v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
const pct = (v: number, digits = 0) => `${(v * 100).toFixed(digits)}%`;
const fmtCores = (v: number) => v.toFixed(2);

/** Stages whose rate is held (start and end within 1%), the only ones with a steady state. */
function heldStages(summary: LoadSummary) {
  return summary.plannedStages.filter(
    (s) => s.toRate > 0 && Math.abs(s.toRate - s.fromRate) <= 0.01 * s.toRate,
  );
}

/**
 * The steady state of each held stage. Its first window is always warm-up (the ramp into it,
 * cold connections and caches); further leading windows are too while their throughput is more
 * than 20% off, or their p99 more than twice, the median of the stage's second half (which is
 * taken as settled). What remains is the plateau, when it is three windows or more.
 */
export function findPlateaus(summary: LoadSummary): Plateau[] {
  const t = summary.profile.thresholds;
  const plateaus: Plateau[] = [];
  for (const stage of heldStages(summary)) {
    const endS = stage.startS + stage.durationS;
    const inStage = summary.timeline.filter(
      (p) => p.t >= stage.startS - 1e-9 && p.t + summary.windowS <= endS + 1e-9,
    );
    if (inStage.length === 0) {
      // k6 summaries have stages only: the stage as a whole, without a spread.
      const s = summary.stages.find((x) => x.name === stage.name && x.startS === stage.startS);
      if (!s || summary.timeline.length > 0) continue;
      const completed = s.ok + s.errors;
      plateaus.push(
        judge(
          {
            stage: stage.name,
            startS: stage.startS,
            endS,
            warmupExcludedS: 0,
            windows: 1,
            offeredRate: s.offeredRate,
            achieved: { median: s.achievedRate, p10: s.achievedRate, p90: s.achievedRate },
            p50Ms: s.latencyMs.p50,
            p99Ms: s.latencyMs.p99,
            p99P90Ms: s.latencyMs.p99,
            requests: completed,
            errorShare: completed ? s.errors / completed : 0,
            droppedShare: s.scheduled ? s.dropped / s.scheduled : 0,
          },
          t,
        ),
      );
      continue;
    }
    const settled = inStage.slice(Math.floor(inStage.length / 2));
    const settledRate = median(settled.map((p) => p.achievedRate));
    const settledP99 = median(settled.filter((p) => p.all.count > 0).map((p) => p.all.p99));
    let skip = 1;
    while (
      skip < inStage.length &&
      (Math.abs(inStage[skip]!.achievedRate - settledRate) > 0.2 * settledRate ||
        inStage[skip]!.all.p99 > 2 * settledP99)
    ) {
      skip += 1;
    }
    const windows = inStage.slice(skip);
    if (windows.length < 3) continue;
    const rates = windows.map((p) => p.achievedRate);
    const measured = windows.filter((p) => p.all.count > 0);
    const requests = windows.reduce((sum, p) => sum + p.all.count, 0);
    const errors = windows.reduce((sum, p) => sum + p.errorRate * p.all.count, 0);
    const offered = windows.reduce((sum, p) => sum + p.offeredRate * summary.windowS, 0);
    const dropped = windows.reduce((sum, p) => sum + p.dropped, 0);
    plateaus.push(
      judge(
        {
          stage: stage.name,
          startS: windows[0]!.t,
          endS,
          warmupExcludedS: windows[0]!.t - stage.startS,
          windows: windows.length,
          offeredRate: round1(median(windows.map((p) => p.offeredRate))),
          achieved: {
            median: round1(median(rates)),
            p10: round1(quantile(rates, 0.1)),
            p90: round1(quantile(rates, 0.9)),
          },
          p50Ms: median(measured.map((p) => p.all.p50)),
          p99Ms: median(measured.map((p) => p.all.p99)),
          p99P90Ms: quantile(
            measured.map((p) => p.all.p99),
            0.9,
          ),
          requests,
          errorShare: requests ? errors / requests : 0,
          droppedShare: offered ? dropped / offered : 0,
        },
        t,
      ),
    );
  }
  return plateaus;
}

function judge(
  p: Omit<Plateau, 'withinSlo' | 'saturated' | 'sloBroken'>,
  t: LoadSummary['profile']['thresholds'],
): Plateau {
  const sloBroken: string[] = [];
  if (p.requests === 0) sloBroken.push('no request completed');
  if (p.p99P90Ms > t.p99LatencyMs)
    sloBroken.push(`p99 above ${fmt(t.p99LatencyMs)} ms in more than 1 second in 10`);
  if (p.errorShare > t.errorRate) sloBroken.push(`errors ${pct(p.errorShare, 2)} of completed`);
  if (p.droppedShare > t.droppedRate)
    sloBroken.push(`dropped ${pct(p.droppedShare, 1)} of offered`);
  const saturated = p.achieved.median < 0.9 * p.offeredRate || p.droppedShare > t.droppedRate;
  return { ...p, withinSlo: sloBroken.length === 0, saturated, sloBroken };
}

/**
 * Saturation along a ramp: the first window that starts a run of about five seconds (three
 * windows at least) in which every window's p99 exceeds twice the baseline (and by 50 ms at
 * least) or drops arrivals, or over which achieved throughput falls 10% behind what was offered
 * (summed, so completions that straddle a window edge do not read as a bend). The first window is
 * warm-up (cold connections and caches) and never a bend; the baseline is the median p99 of the
 * next five windows: the lowest load of a ramp.
 */
export function findSaturation(summary: LoadSummary): Saturation | null {
  const points = summary.timeline.filter((p) => p.all.count > 0).slice(1);
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

/** The seconds the validity checks look at: the plateaus when there are any, else the whole run. */
export function measuredSeconds<T extends { t: number }>(items: T[], plateaus: Plateau[]): T[] {
  if (plateaus.length === 0) return items;
  return items.filter((x) => plateaus.some((p) => x.t >= p.startS && x.t < p.endS));
}

/** Did the run measure the system under test, and enough of it? */
export function assessValidity(summary: LoadSummary, plateaus: Plateau[]): Validity {
  const L = VALIDITY_LIMITS;
  const checks: ValidityCheck[] = [];
  const resources = measuredSeconds(summary.resources ?? [], plateaus);
  const cores = summary.environment?.cpus;

  // 1. The generator kept up: its event loop, and the arrivals it sent late.
  if (resources.length > 0) {
    const lags = resources.map((r) => r.runnerEventLoopDelayP99Ms);
    const lagging = lags.filter((ms) => ms > L.eventLoopLagMs).length / lags.length;
    const fail = lagging > L.laggingSecondsShare;
    checks.push({
      name: 'load generator event loop',
      status: fail ? 'fail' : 'pass',
      measured: `p99 above ${L.eventLoopLagMs} ms in ${pct(lagging)} of ${resources.length} s (worst ${fmt(Math.max(...lags))} ms)`,
      limit: `at most ${pct(L.laggingSecondsShare)} of seconds`,
      ...(fail
        ? {
            because: `the load generator was starved: its event loop lagged more than ${L.eventLoopLagMs} ms in ${pct(lagging)} of the measured seconds (worst ${fmt(Math.max(...lags))} ms)`,
          }
        : {}),
    });
  } else {
    checks.push({
      name: 'load generator event loop',
      status: 'unknown',
      measured: 'not recorded by this runner',
      limit: `at most ${pct(L.laggingSecondsShare)} of seconds above ${L.eventLoopLagMs} ms`,
    });
  }
  const windows = measuredSeconds(summary.timeline, plateaus).filter(
    (p) => p.lateSends !== undefined,
  );
  if (windows.length > 0) {
    const scheduled = windows.reduce((s, p) => s + p.offeredRate * summary.windowS, 0);
    const late = windows.reduce((s, p) => s + (p.lateSends ?? 0), 0);
    const share = scheduled ? late / scheduled : 0;
    const fail = share > L.lateSendShare;
    checks.push({
      name: 'offered as scheduled',
      status: fail ? 'fail' : 'pass',
      measured: `${pct(share, 1)} of ${fmt(scheduled)} scheduled arrivals sent ≥ 100 ms late`,
      limit: `at most ${pct(L.lateSendShare)}`,
      ...(fail
        ? {
            because: `the load generator fell behind its schedule: ${pct(share, 1)} of the arrivals went out 100 ms or more late, so it offered less than the profile`,
          }
        : {}),
    });
  } else {
    checks.push({
      name: 'offered as scheduled',
      status: 'unknown',
      measured: 'send times not recorded',
      limit: `at most ${pct(L.lateSendShare)} sent ≥ 100 ms late`,
    });
  }

  // 2. The machine had the cores the run needed. Other work is what /proc shows beside the
  // generator, the target and PostgreSQL; when it was small, an overcommitted machine is the run's
  // own doing (its processes need more cores than there are), and the verdict says so.
  const split = resources.flatMap((r) =>
    r.machineCpuPercent === undefined || r.targetCpuPercent === undefined
      ? []
      : [
          {
            other:
              (r.machineCpuPercent -
                r.runnerCpuPercent -
                r.targetCpuPercent -
                (r.postgresCpuPercent ?? 0)) /
              100,
            generator: r.runnerCpuPercent / 100,
            target: r.targetCpuPercent / 100,
            postgres: (r.postgresCpuPercent ?? 0) / 100,
          },
        ],
  );
  const other = split.length > 0 ? Math.max(0, median(split.map((x) => x.other))) : undefined;
  const target = summary.topology ? "the topology's apps" : 'the target';
  const ownDoing =
    other !== undefined && other <= L.otherWorkCores
      ? `its own processes need more cores than there are (the generator took ${fmtCores(median(split.map((x) => x.generator)))} cores, ${target} ${fmtCores(median(split.map((x) => x.target)))}, PostgreSQL ${fmtCores(median(split.map((x) => x.postgres)))}; other work only ${fmtCores(other)})`
      : undefined;
  const loads = resources.flatMap((r) => (r.loadAverage1m === undefined ? [] : [r.loadAverage1m]));
  if (loads.length > 0 && cores) {
    const load = median(loads);
    const fail = load > L.loadPerCore * cores;
    checks.push({
      name: 'load average',
      status: fail ? 'fail' : 'pass',
      measured: `median ${load.toFixed(1)} on ${cores} cores (${(load / cores).toFixed(1)} per core)`,
      limit: `at most ${L.loadPerCore} per core`,
      ...(fail
        ? {
            because: `the machine was overcommitted${ownDoing ? ' by the run itself' : ''}: load average ${load.toFixed(1)} on ${cores} cores${ownDoing ? `; ${ownDoing}` : ''}`,
          }
        : {}),
    });
  } else {
    checks.push({
      name: 'load average',
      status: 'unknown',
      measured: 'not sampled during the run',
      limit: `at most ${L.loadPerCore} per core`,
    });
  }
  const pressure = resources.flatMap((r) =>
    r.cpuPressurePercent === undefined ? [] : [r.cpuPressurePercent],
  );
  if (pressure.length > 0) {
    const p = median(pressure);
    const fail = p > L.cpuPressurePercent;
    checks.push({
      name: 'CPU pressure',
      status: fail ? 'fail' : 'pass',
      measured: `a task waited for a CPU ${p.toFixed(0)}% of the time (median of /proc/pressure/cpu some avg10)`,
      limit: `at most ${L.cpuPressurePercent}%`,
      ...(fail
        ? {
            because: `tasks waited for a CPU ${p.toFixed(0)}% of the time: the generator, ${target} and PostgreSQL did not each get the cores they needed`,
          }
        : {}),
    });
  } else {
    checks.push({
      name: 'CPU pressure',
      status: 'unknown',
      measured: '/proc/pressure/cpu not available',
      limit: `at most ${L.cpuPressurePercent}%`,
    });
  }
  if (other !== undefined) {
    const fail = other > L.otherWorkCores;
    checks.push({
      name: 'other work on the machine',
      status: fail ? 'fail' : 'pass',
      measured: `${other.toFixed(2)} cores used by processes other than the generator, ${target} and PostgreSQL (median)`,
      limit: `at most ${L.otherWorkCores} cores`,
      ...(fail
        ? {
            because: `other work (processes that are not the run's) took ${other.toFixed(2)} cores of the machine during the run`,
          }
        : {}),
    });
  } else {
    checks.push({
      name: 'other work on the machine',
      status: 'unknown',
      measured: 'the target runs elsewhere, or /proc/stat is not available',
      limit: `at most ${L.otherWorkCores} cores`,
    });
  }

  // 3. Enough requests were measured to state a rate and a p99.
  const requests = plateaus.length
    ? plateaus.reduce((s, p) => s + p.requests, 0)
    : summary.totals.completed;
  const tooFew = requests < L.minRequests;
  checks.push({
    name: 'requests measured',
    status: tooFew ? 'fail' : 'pass',
    measured: `${fmt(requests)} completed ${plateaus.length ? 'in the plateaus' : 'in the run (no plateau)'}`,
    limit: `at least ${fmt(L.minRequests)}`,
    ...(tooFew
      ? {
          because: `too few requests were measured (${fmt(requests)}, at least ${fmt(L.minRequests)} are needed for a rate and a p99)`,
        }
      : {}),
  });

  const failed = checks.filter((c) => c.status === 'fail');
  const unknown = checks.filter((c) => c.status === 'unknown');
  const verdict = failed.length
    ? `invalid, because ${failed.map((c) => c.because).join('; and ')}`
    : `valid${unknown.length ? ` (not checked: ${unknown.map((c) => c.name).join(', ')})` : ''}`;
  return { valid: failed.length === 0, checks, verdict };
}

export function analyse(summary: LoadSummary, targetUtilisation = 0.7): Analysis {
  const { designRate, derivedRate } = deriveNationalPeak(summary.profile.national);
  const plateaus = findPlateaus(summary);
  const validity = assessValidity(summary, plateaus);
  const best = (list: Plateau[]) =>
    list.reduce<Plateau | null>(
      (top, p) => (top === null || p.achieved.median > top.achieved.median ? p : top),
      null,
    );
  const sustained = best(plateaus.filter((p) => p.withinSlo));
  const ceiling = best(plateaus.filter((p) => p.saturated));
  const basisPlateau = sustained ?? ceiling;
  const measured = Math.max(1, summary.topology?.instances.length ?? 1);
  // Completions bunch up across window edges: never more than was offered.
  const basisRate = basisPlateau
    ? Math.min(basisPlateau.achieved.median, basisPlateau.offeredRate)
    : 0;
  const basis: CapacityBasis | null = basisPlateau
    ? {
        rate: basisRate,
        spread: { p10: basisPlateau.achieved.p10, p90: basisPlateau.achieved.p90 },
        source: sustained ? 'sustained-within-slo' : 'saturated-ceiling',
        lowerBound: sustained !== null && ceiling === null,
        stage: basisPlateau.stage,
        instancesMeasured: measured,
        perInstanceRate: round1(basisRate / measured),
      }
    : null;
  const capacityWithheld = !validity.valid
    ? validity.verdict
    : basis === null
      ? plateaus.length === 0
        ? 'no plateau: the profile holds no rate long enough (use national-peak or steps)'
        : 'no plateau met the SLOs or saturated'
      : null;
  const usable = capacityWithheld === null && basis !== null && basis.perInstanceRate > 0;
  const capacity = summary.profile.national.growthScenarios.map((g) => {
    const requiredRate = designRate * g.factor;
    return {
      scenario: g.name,
      factor: g.factor,
      requiredRate,
      instances: usable
        ? Math.ceil(requiredRate / (basis.perInstanceRate * targetUtilisation))
        : null,
    };
  });
  const sustainableRate = sustained
    ? Math.min(sustained.achieved.median, sustained.offeredRate)
    : 0;
  let saturation = findSaturation(summary);
  // A bend below a rate the run later held within its SLOs was a transient, not saturation.
  if (saturation && sustained && saturation.offeredRate < sustained.offeredRate) saturation = null;
  return {
    designRate,
    derivedRate,
    validity,
    plateaus,
    sustained,
    ceiling,
    basis,
    sustainableRate,
    headroom: designRate > 0 && basis ? basis.rate / designRate : 0,
    saturation,
    targetUtilisation,
    capacity,
    capacityWithheld,
    formula: `instances = ⌈ R_peak × growth ÷ (X × u) ⌉ with R_peak = ${designRate}/s, X = ${basis ? basis.perInstanceRate.toFixed(1) : '–'}/s per instance (${basis?.source === 'saturated-ceiling' ? 'the saturated plateau’s throughput' : 'the plateau sustained within the SLOs'}${measured > 1 ? `, ${basis ? basis.rate.toFixed(1) : '–'}/s carried by ${measured} instances together ÷ ${measured}` : ''}), u = ${targetUtilisation}`,
  };
}

/** One figure both the CLI and the report print, so the two always agree. */
export interface HeadlineFigure {
  label: string;
  value: string;
}

const perSecond = (v: number) => `${fmt(v, 1)}/s`;

/** The figures a planner reads first, in order: the verdict, then what the run measured. */
export function headlineFigures(summary: LoadSummary, a: Analysis): HeadlineFigure[] {
  const offered = summary.totals.scheduled;
  const share = (n: number) => (offered ? ` (${pct(n / offered, 1)} of offered)` : '');
  const figures: HeadlineFigure[] = [
    { label: 'run', value: a.validity.verdict },
    {
      label: 'SLO thresholds',
      value: `${summary.thresholds.filter((t) => t.pass).length}/${summary.thresholds.length} met (${summary.pass ? 'PASS' : 'FAIL'})`,
    },
    {
      label: 'requests',
      value: `${fmt(offered)} offered, ${fmt(summary.totals.ok)} ok, ${fmt(summary.totals.errors)} errors${share(summary.totals.errors)}, ${fmt(summary.totals.dropped)} dropped${share(summary.totals.dropped)}`,
    },
    { label: 'p99 latency, whole run', value: `${fmt(summary.thresholds[0]?.actual ?? 0)} ms` },
  ];
  const top = a.plateaus.reduce<Plateau | null>(
    (m, p) => (m === null || p.offeredRate > m.offeredRate ? p : m),
    null,
  );
  figures.push({
    label: 'plateau throughput',
    value: top
      ? `${perSecond(top.achieved.median)} (p10–p90 ${fmt(top.achieved.p10, 1)}–${fmt(top.achieved.p90, 1)}) at ${perSecond(top.offeredRate)} offered, p99 ${fmt(top.p99Ms)} ms, ${top.windows} s after ${fmt(top.warmupExcludedS)} s of warm-up`
      : 'no plateau (the profile holds no rate)',
  });
  figures.push({
    label: 'sustained within SLOs',
    value: a.sustained
      ? `${a.basis?.lowerBound ? '≥ ' : ''}${perSecond(a.sustainableRate)} (p10–p90 ${fmt(a.sustained.achieved.p10, 1)}–${fmt(a.sustained.achieved.p90, 1)})${a.basis?.lowerBound ? ', not saturated' : ''}`
      : 'no plateau met the SLOs',
  });
  figures.push({
    label: 'instances for the national peak',
    value:
      a.capacityWithheld !== null
        ? `not stated: ${a.capacityWithheld}`
        : `${a.basis?.lowerBound ? '≤ ' : ''}${a.capacity[0]?.instances ?? '–'} for ${perSecond(a.designRate)} at u = ${a.targetUtilisation}, from ${perSecond(a.basis!.perInstanceRate)} per instance (${a.basis!.source === 'sustained-within-slo' ? 'sustained within SLOs' : 'saturated ceiling'}${a.basis!.instancesMeasured > 1 ? `; ${perSecond(a.basis!.rate)} over ${a.basis!.instancesMeasured} instances` : ''})`,
  });
  return figures;
}

/** The figures of N runs of one profile: median and range of each, and how many were valid. */
export interface RepeatSummary {
  runs: number;
  valid: number;
  verdicts: string[];
  /** The per-instance rate each valid run's capacity model used (sustained, else ceiling). */
  basisRate: { median: number; min: number; max: number } | null;
  sustainedRate: { median: number; min: number; max: number } | null;
  instances: { median: number; min: number; max: number } | null;
}

export function summariseRepeats(analyses: Analysis[]): RepeatSummary {
  const spread = (values: number[]) =>
    values.length
      ? { median: median(values), min: Math.min(...values), max: Math.max(...values) }
      : null;
  const valid = analyses.filter((a) => a.validity.valid);
  return {
    runs: analyses.length,
    valid: valid.length,
    verdicts: analyses.map((a) => a.validity.verdict),
    basisRate: spread(valid.flatMap((a) => (a.basis ? [a.basis.perInstanceRate] : []))),
    sustainedRate: spread(valid.flatMap((a) => (a.sustained ? [a.sustainableRate] : []))),
    instances: spread(
      valid.flatMap((a) =>
        (a.capacity[0]?.instances ?? null) !== null ? [a.capacity[0]!.instances!] : [],
      ),
    ),
  };
}
