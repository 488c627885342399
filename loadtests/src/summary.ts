import { evaluateThresholds, SUMMARY_FORMAT, type ThresholdResult } from './plan.js';
import type { LoadProfile, PlannedStage, Route } from './profile.js';

export { evaluateThresholds, SUMMARY_FORMAT, type ThresholdResult };

/**
 * The normalised summary both runners write (`summary.json`) and the report reads. The k6 script
 * writes the same shape from `handleSummary` (without the timeline, which k6 keeps in its own
 * output).
 */

export interface LatencyStats {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface RouteStats {
  count: number;
  errors: number;
  /** From the scheduled start: includes queueing, so coordinated omission is accounted for. */
  latencyMs: LatencyStats;
  /** From the moment the request was sent (what a closed-model tool would report). */
  serviceMs: LatencyStats;
}

export interface StageResult {
  name: string;
  startS: number;
  durationS: number;
  plannedFromRate: number;
  plannedToRate: number;
  /** Arrivals scheduled per second in the stage. */
  offeredRate: number;
  /** Successful responses completed per second in the stage. */
  achievedRate: number;
  scheduled: number;
  ok: number;
  errors: number;
  dropped: number;
  latencyMs: LatencyStats;
}

export interface TimelinePoint {
  /** Window start, seconds from the run start. */
  t: number;
  offeredRate: number;
  achievedRate: number;
  errorRate: number;
  dropped: number;
  all: LatencyStats;
  routes: Partial<Record<Route, LatencyStats>>;
  /**
   * How late the generator sent this window's arrivals (sent − due, p99, ms) and how many it sent
   * 100 ms or more late: a starved generator offers less than it scheduled. Absent in old summaries.
   */
  sendLagP99Ms?: number;
  lateSends?: number;
}

export interface ResourceSample {
  t: number;
  /** The system under test (the stack's process), when it runs on this machine. */
  targetCpuPercent?: number;
  targetRssMb?: number;
  /** The load generator itself: if its event loop lags, the schedule slips. */
  runnerCpuPercent: number;
  runnerRssMb: number;
  runnerEventLoopDelayP99Ms: number;
  dbConnections?: number;
  /** PostgreSQL's processes on this machine, % of one core (absent when not measurable). */
  postgresCpuPercent?: number;
  /** Every process on this machine, % of one core (from /proc/stat; steal counts as busy). */
  machineCpuPercent?: number;
  /** Time stolen by the hypervisor, % of one core. */
  stealCpuPercent?: number;
  /** 1-minute load average (runnable tasks). */
  loadAverage1m?: number;
  /** A topology run: each eligibility-api instance's process, in the order of `topology.instances`. */
  instances?: Array<{ cpuPercent?: number; rssMb?: number }>;
  /** A topology run: the PostgreSQL primary's and the replica's processes, % of one core. */
  primaryCpuPercent?: number;
  replicaCpuPercent?: number;
  /** The replica's replay lag (ms; 0 when it has replayed all it received). */
  replicaLagMs?: number;
  /** Rows inserted into the access log on the primary per second, and WAL written per second. */
  accessLogRowsPerS?: number;
  walBytesPerS?: number;
  /** /proc/pressure/cpu "some avg10": % of the last 10 s in which a task waited for a CPU. */
  cpuPressurePercent?: number;
}

export interface Environment {
  cpuModel: string;
  cpus: number;
  memoryGb: number;
  node: string;
  platform: string;
  gitCommit: string;
  seed: number;
  database: string;
  databaseSizeMb?: number;
  members?: number;
  targetStartedByRunner: boolean;
  /** What one instance is: the stack's processes, and whether PostgreSQL shares the machine. */
  instance?: string;
  /** Qualifications in the eligibility store (members the confirmations search among). */
  eligibilityRows?: number;
  /** 1-minute load average when the run started and ended: other work on a shared machine. */
  loadAverageAtStart?: number;
  loadAverageAtEnd?: number;
}

/** The multi-instance shape a topology run measured (`shikaku loadtest --topology`). */
export interface TopologyDescription {
  /** The eligibility-api instances the runner spread its requests over, round-robin. */
  instances: Array<{ name: string; url: string; pid?: number }>;
  /** Every other process of the topology (insurer-api ×N, jlis, portal). */
  others: Array<{ name: string; pid?: number }>;
  /** PostgreSQL: the primary (writes, access log) and its streaming replica (eligibility reads). */
  primary: string;
  replica?: string;
  /** Replication when the run started (`pg_stat_replication.state` on the primary). */
  replication?: string;
  /** Where everything ran: one machine's cores and memory, shared by all of it and the generator. */
  cores: number;
  memoryGb: number;
  /** The topology's folder (topology.env), and whether the load test started it. */
  dir: string;
  startedByRunner: boolean;
}

/** One instance's share of a multi-instance run (requests are tagged with the instance they went to). */
export interface InstanceSummary {
  name: string;
  url: string;
  scheduled: number;
  ok: number;
  errors: number;
  dropped: number;
  latencyMs: LatencyStats;
  /** The instance's own windows, the same shape as the run's: the plateau code reads them. */
  timeline: TimelinePoint[];
}

export interface LoadSummary {
  format: typeof SUMMARY_FORMAT;
  runner: 'node' | 'k6';
  profile: LoadProfile;
  durationScale: number;
  target: string;
  startedAt: string;
  durationS: number;
  windowS: number;
  plannedStages: PlannedStage[];
  stages: StageResult[];
  totals: {
    scheduled: number;
    sent: number;
    completed: number;
    ok: number;
    errors: number;
    dropped: number;
  };
  routes: Partial<Record<Route, RouteStats>>;
  timeline: TimelinePoint[];
  errors: Record<string, number>;
  thresholds: ThresholdResult[];
  pass: boolean;
  stoppedEarly?: string;
  environment?: Environment;
  resources?: ResourceSample[];
  /** A topology run: what was measured (instances, PostgreSQL primary and replica). */
  topology?: TopologyDescription;
  /** A topology run: the figures of each instance, in the order of `topology.instances`. */
  instances?: InstanceSummary[];
  notes: string[];
}

/** One scheduled iteration, as the Node runner records it. */
export interface IterationRecord {
  route: Route;
  /** Seconds from the run start at which the request was due. */
  scheduledS: number;
  /** Seconds from the run start at which it was sent (absent when dropped). */
  sentS?: number;
  /** Seconds from the run start at which its answer (or failure) arrived. */
  doneS?: number;
  status?: number;
  /** null = success; absent when dropped. */
  error?: string | null;
  dropped: boolean;
  /** The instance (index into the run's targets) the arrival was for, when there are several. */
  instance?: number;
}

const EMPTY: LatencyStats = { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };

/** Nearest-rank percentiles over exact samples (runs are bounded, so samples fit in memory). */
export function latencyStats(samples: number[]): LatencyStats {
  if (samples.length === 0) return { ...EMPTY };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1]!),
    mean: round(sum / sorted.length),
  };
}

const latencyOf = (r: IterationRecord) => ((r.doneS ?? 0) - r.scheduledS) * 1000;
const completed = (r: IterationRecord) => !r.dropped && r.doneS !== undefined;

const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

/** An arrival sent this many ms after it was due was not offered on time. */
export const LATE_SEND_MS = 100;

function sendLag(records: IterationRecord[]): { sendLagP99Ms: number; lateSends: number } {
  const lags = records
    .filter((r) => r.sentS !== undefined)
    .map((r) => (r.sentS! - r.scheduledS) * 1000);
  return {
    sendLagP99Ms: latencyStats(lags).p99,
    lateSends: lags.filter((ms) => ms >= LATE_SEND_MS).length,
  };
}

/** Per-window figures of a run's records (or of one instance's: `withRoutes` false, routes left empty). */
function buildTimeline(
  records: IterationRecord[],
  durationS: number,
  windowS: number,
  withRoutes = true,
): TimelinePoint[] {
  const timeline: TimelinePoint[] = [];
  for (let t = 0; t < durationS; t += windowS) {
    const inWindow = records.filter((r) => r.scheduledS >= t && r.scheduledS < t + windowS);
    const finished = inWindow.filter(completed);
    const routesInWindow: TimelinePoint['routes'] = {};
    for (const route of withRoutes ? new Set(finished.map((r) => r.route)) : []) {
      routesInWindow[route] = latencyStats(
        finished.filter((r) => r.route === route).map(latencyOf),
      );
    }
    const okDone = records.filter(
      (r) => completed(r) && r.error === null && r.doneS! >= t && r.doneS! < t + windowS,
    ).length;
    timeline.push({
      t,
      offeredRate: round4(inWindow.length / windowS),
      achievedRate: round4(okDone / windowS),
      errorRate: finished.length
        ? round4(finished.filter((r) => r.error !== null).length / finished.length)
        : 0,
      dropped: inWindow.filter((r) => r.dropped).length,
      all: latencyStats(finished.map(latencyOf)),
      routes: routesInWindow,
      ...sendLag(inWindow),
    });
  }
  return timeline;
}

/** Each instance's requests, errors, drops, latency and windows (records carry their instance). */
export function summariseInstances(
  records: IterationRecord[],
  instances: ReadonlyArray<{ name: string; url: string }>,
  durationS: number,
  windowS: number,
): InstanceSummary[] {
  return instances.map((instance, i) => {
    const mine = records.filter((r) => r.instance === i);
    const done = mine.filter(completed);
    return {
      name: instance.name,
      url: instance.url,
      scheduled: mine.length,
      ok: done.filter((r) => r.error === null).length,
      errors: done.filter((r) => r.error !== null).length,
      dropped: mine.filter((r) => r.dropped).length,
      latencyMs: latencyStats(done.map(latencyOf)),
      // The run's own timeline has the routes; an instance's needs only what the plateaus read.
      timeline: buildTimeline(mine, durationS, windowS, false),
    };
  });
}

/** Builds the normalised summary from the Node runner's iteration records. */
export function summarise(input: {
  profile: LoadProfile;
  durationScale: number;
  target: string;
  startedAt: string;
  plannedStages: PlannedStage[];
  records: IterationRecord[];
  durationS: number;
  stoppedEarly?: string;
  notes?: string[];
  /** Several targets: the per-instance figures (records carry the index). */
  instances?: ReadonlyArray<{ name: string; url: string }>;
}): LoadSummary {
  const { records, plannedStages, profile } = input;
  const done = records.filter(completed);
  const ok = done.filter((r) => r.error === null);
  const errorRecords = done.filter((r) => r.error !== null);
  const dropped = records.filter((r) => r.dropped);

  const routes: LoadSummary['routes'] = {};
  for (const route of new Set(records.map((r) => r.route))) {
    const mine = done.filter((r) => r.route === route);
    routes[route] = {
      count: records.filter((r) => r.route === route).length,
      errors: mine.filter((r) => r.error !== null).length,
      latencyMs: latencyStats(mine.map(latencyOf)),
      serviceMs: latencyStats(mine.map((r) => ((r.doneS ?? 0) - (r.sentS ?? 0)) * 1000)),
    };
  }

  const stages: StageResult[] = plannedStages.map((stage) => {
    const end = stage.startS + stage.durationS;
    const inStage = records.filter((r) => r.scheduledS >= stage.startS && r.scheduledS < end);
    const finished = inStage.filter(completed);
    const okInWindow = ok.filter((r) => r.doneS! >= stage.startS && r.doneS! < end).length;
    const seconds = Math.max(1e-9, Math.min(stage.durationS, input.durationS - stage.startS));
    return {
      name: stage.name,
      startS: stage.startS,
      durationS: stage.durationS,
      plannedFromRate: stage.fromRate,
      plannedToRate: stage.toRate,
      offeredRate: round4(inStage.length / seconds),
      achievedRate: round4(okInWindow / seconds),
      scheduled: inStage.length,
      ok: finished.filter((r) => r.error === null).length,
      errors: finished.filter((r) => r.error !== null).length,
      dropped: inStage.filter((r) => r.dropped).length,
      latencyMs: latencyStats(finished.map(latencyOf)),
    };
  });

  // About 120 windows per run, at least one second each.
  const windowS = Math.max(1, Math.ceil(input.durationS / 120));
  const timeline = buildTimeline(records, input.durationS, windowS);

  const errors: Record<string, number> = {};
  for (const r of errorRecords) errors[r.error!] = (errors[r.error!] ?? 0) + 1;
  if (dropped.length) errors.dropped_iteration = dropped.length;

  const overall = latencyStats(done.map(latencyOf));
  const thresholds = evaluateThresholds(profile.thresholds, {
    p99: overall.p99,
    errorRate: done.length ? round4(errorRecords.length / done.length) : 0,
    droppedRate: records.length ? round4(dropped.length / records.length) : 0,
  });
  const notes = [...(input.notes ?? [])];
  if (records.length === 0) notes.push('no iterations were scheduled');
  return {
    format: SUMMARY_FORMAT,
    runner: 'node',
    profile,
    durationScale: input.durationScale,
    target: input.target,
    startedAt: input.startedAt,
    durationS: input.durationS,
    windowS,
    plannedStages,
    stages,
    totals: {
      scheduled: records.length,
      sent: records.filter((r) => r.sentS !== undefined).length,
      completed: done.length,
      ok: ok.length,
      errors: errorRecords.length,
      dropped: dropped.length,
    },
    routes,
    timeline,
    errors,
    thresholds,
    // An empty run proves nothing: it fails.
    pass: records.length > 0 && thresholds.every((t) => t.pass),
    ...(input.stoppedEarly ? { stoppedEarly: input.stoppedEarly } : {}),
    ...(input.instances
      ? { instances: summariseInstances(records, input.instances, input.durationS, windowS) }
      : {}),
    notes,
  };
}
