import {
  findPlateaus,
  measuredSeconds,
  quantile,
  type Analysis,
  type Plateau,
} from './analysis.js';
import type { LoadSummary, ResourceSample } from './summary.js';

/**
 * What a topology run (several eligibility-api instances on one PostgreSQL primary and its
 * replica) adds to the analysis: each instance's share, measured from the requests tagged with
 * it, read on the same plateau the capacity model used (the plateau code runs on each instance's
 * own windows), each process's CPU over that plateau, and the database's cost per request, which
 * does not scale out with the instances and so may be the bottleneck before they are.
 */

export interface InstanceFigures {
  name: string;
  url: string;
  pid?: number;
  requests: number;
  ok: number;
  errors: number;
  dropped: number;
  /** Whole run, from the scheduled time. */
  p50Ms: number;
  p99Ms: number;
  /** The instance's plateau in the stage the capacity model read (null: none there). */
  plateau: Plateau | null;
  /** Median CPU (% of one core) over that plateau's seconds (else the whole run), and peak RSS. */
  cpuPercent: number | null;
  rssMb: number | null;
}

export interface DatabaseFigures {
  /** Median over the plateau's seconds, % of one core. */
  primaryCpuPercent: number | null;
  replicaCpuPercent: number | null;
  /** Cores per 1,000 requests/s carried (the plateau's throughput over all instances). */
  primaryCoresPerKilo: number | null;
  replicaCoresPerKilo: number | null;
  accessLogRowsPerS: number | null;
  /** Access-log rows per request (bulk inquiries log one per item). */
  accessLogRowsPerRequest: number | null;
  walBytesPerS: number | null;
  /** Worst replay lag seen during the run (ms). */
  replicaLagMaxMs: number | null;
}

export interface TopologyCapacityRow {
  scenario: string;
  requiredRate: number;
  /** Application instances (the analysis's count: withheld from an invalid run). */
  instances: number | null;
  /** What the database would need at that rate, scaled from this run's cost per request. */
  primaryCores: number | null;
  replicaCores: number | null;
  accessLogRowsPerS: number | null;
}

export interface TopologyAnalysis {
  instances: InstanceFigures[];
  /** The stage the figures are read on (the capacity model's plateau), or null. */
  stage: string | null;
  /** Highest ÷ lowest instance throughput on that plateau (1 = even). */
  imbalance: number | null;
  database: DatabaseFigures;
  capacity: TopologyCapacityRow[];
  /** Where the next bottleneck is, in words. */
  bottleneck: string;
}

/** The analysis's median (nearest rank), null for no values. */
const median = (values: number[]) => (values.length === 0 ? null : quantile(values, 0.5));
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const fmt = (v: number, digits = 1) =>
  v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });

/** The seconds of the plateau the capacity model read, else every sample. */
function plateauSamples(resources: ResourceSample[], plateau: Plateau | null): ResourceSample[] {
  const inside = measuredSeconds(resources, plateau ? [plateau] : []);
  return inside.length > 0 ? inside : resources;
}

const values = (samples: ResourceSample[], pick: (s: ResourceSample) => number | undefined) =>
  samples.flatMap((s) => {
    const v = pick(s);
    return v === undefined ? [] : [v];
  });

/** Null when the summary is not from a topology run. */
export function analyseTopology(summary: LoadSummary, a: Analysis): TopologyAnalysis | null {
  const topology = summary.topology;
  if (!topology || !summary.instances) return null;
  const basisPlateau = a.sustained ?? a.ceiling;
  const samples = plateauSamples(summary.resources ?? [], basisPlateau);
  const instances = summary.instances.map((inst, i): InstanceFigures => {
    // k6 keeps per-window figures in its own output: without a timeline, no plateau per instance.
    const own = inst.timeline.length ? findPlateaus({ ...summary, timeline: inst.timeline }) : [];
    const plateau =
      (basisPlateau &&
        own.find((p) => p.stage === basisPlateau.stage && p.endS === basisPlateau.endS)) ??
      null;
    const cpu = median(values(samples, (s) => s.instances?.[i]?.cpuPercent));
    const rss = values(summary.resources ?? [], (s) => s.instances?.[i]?.rssMb);
    const pid = topology.instances[i]?.pid;
    return {
      name: inst.name,
      url: inst.url,
      ...(pid === undefined ? {} : { pid }),
      requests: inst.scheduled,
      ok: inst.ok,
      errors: inst.errors,
      dropped: inst.dropped,
      p50Ms: inst.latencyMs.p50,
      p99Ms: inst.latencyMs.p99,
      plateau,
      cpuPercent: cpu,
      rssMb: rss.length ? Math.max(...rss) : null,
    };
  });
  const rates = instances.flatMap((i) => (i.plateau ? [i.plateau.achieved.median] : []));
  const imbalance =
    rates.length === instances.length && rates.length > 0 && Math.min(...rates) > 0
      ? round(Math.max(...rates) / Math.min(...rates), 2)
      : null;

  const carried = a.basis?.rate ?? null;
  const primaryCpu = median(values(samples, (s) => s.primaryCpuPercent));
  const replicaCpu = median(values(samples, (s) => s.replicaCpuPercent));
  const logRows = median(values(samples, (s) => s.accessLogRowsPerS));
  const perKilo = (cpu: number | null) =>
    cpu === null || !carried ? null : round(cpu / 100 / (carried / 1000), 3);
  const lags = values(summary.resources ?? [], (s) => s.replicaLagMs);
  const database: DatabaseFigures = {
    primaryCpuPercent: primaryCpu,
    replicaCpuPercent: replicaCpu,
    primaryCoresPerKilo: perKilo(primaryCpu),
    replicaCoresPerKilo: perKilo(replicaCpu),
    accessLogRowsPerS: logRows,
    accessLogRowsPerRequest: logRows === null || !carried ? null : round(logRows / carried, 2),
    walBytesPerS: median(values(samples, (s) => s.walBytesPerS)),
    replicaLagMaxMs: lags.length ? Math.max(...lags) : null,
  };
  const usable = a.capacityWithheld === null;
  const scale = (perKiloCores: number | null, rate: number) =>
    usable && perKiloCores !== null
      ? round((perKiloCores * rate) / 1000 / a.targetUtilisation, 1)
      : null;
  const capacity = a.capacity.map((row) => ({
    scenario: row.scenario,
    requiredRate: row.requiredRate,
    instances: row.instances,
    primaryCores: scale(database.primaryCoresPerKilo, row.requiredRate),
    replicaCores: scale(database.replicaCoresPerKilo, row.requiredRate),
    accessLogRowsPerS:
      usable && database.accessLogRowsPerRequest !== null
        ? Math.round(database.accessLogRowsPerRequest * row.requiredRate)
        : null,
  }));
  return {
    instances,
    stage: basisPlateau?.stage ?? null,
    imbalance,
    database,
    capacity,
    bottleneck: bottleneck(a, database, capacity, topology.cores),
  };
}

function bottleneck(
  a: Analysis,
  db: DatabaseFigures,
  capacity: TopologyCapacityRow[],
  cores: number,
): string {
  if (a.capacityWithheld !== null)
    return 'not stated: the run is not one to plan from (see its verdict); the database’s cost per request above is what it measured, for reading only';
  const design = capacity[0];
  const parts: string[] = [];
  if (design?.primaryCores !== null && design?.primaryCores !== undefined) {
    parts.push(
      `the primary needs about ${fmt(design.primaryCores)} cores at the design peak (${fmt(db.primaryCoresPerKilo ?? 0, 3)} per 1,000 requests/s at u = ${a.targetUtilisation}), and it is one machine: every write and the access log (${fmt(design.accessLogRowsPerS ?? 0, 0)} rows/s) go there, so past one machine's cores the database, not the number of instances, limits the rate`,
    );
  }
  if (design?.replicaCores !== null && design?.replicaCores !== undefined) {
    parts.push(
      `the eligibility reads need about ${fmt(design.replicaCores)} replica cores, which more replicas can share`,
    );
  }
  if (parts.length === 0) return 'the database was not measured in this run';
  return `${parts.join('; ')} (this run: ${cores} cores for everything)`;
}
