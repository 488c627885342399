import { readdir, readFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Environment, ResourceSample } from './summary.js';

/**
 * Resource use during a run, sampled once a second: the runner's own CPU, RSS and event-loop
 * delay (a lagging runner would slip its schedule), the target process's CPU and RSS from /proc
 * when it runs on this machine, PostgreSQL's processes' CPU, the whole machine's CPU, steal, load
 * average and CPU pressure (what else competed for the cores), and database connections through
 * an injected probe. Whatever /proc does not offer is left out, never guessed.
 */
export interface ResourceSampler {
  sample(tS: number): Promise<ResourceSample>;
  stop(): void;
}

const CLOCK_TICKS_PER_S = 100;

async function procStat(pid: number): Promise<{ cpuTicks: number; rssMb: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { cpuTicks, rssMb: rssKb / 1024 };
  } catch {
    return undefined;
  }
}

/** Busy and steal ticks of all CPUs together, from /proc/stat's first line. */
async function machineTicks(): Promise<{ busy: number; steal: number } | undefined> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    const [user, nice, system, , , irq, softirq, steal] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return {
      busy: user! + nice! + system! + irq! + softirq! + steal!,
      steal: steal!,
    };
  } catch {
    return undefined;
  }
}

/** Every PostgreSQL process on this machine: its CPU ticks and its parent (one pass over /proc). */
async function postgresProcesses(): Promise<Map<number, { ticks: number; parent: number }>> {
  const found = new Map<number, { ticks: number; parent: number }>();
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return found;
  }
  await Promise.all(
    pids.map(async (pid) => {
      try {
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (comm !== 'postgres') return;
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        found.set(Number(pid), {
          ticks: Number(fields[11]) + Number(fields[12]),
          parent: Number(fields[1]),
        });
      } catch {
        // the process ended between the listing and the read
      }
    }),
  );
  return found;
}

/** Ticks of the processes of the given clusters (a postmaster and what it forked), or of all. */
function clusterTicks(
  processes: Map<number, { ticks: number; parent: number }>,
  postmasters?: readonly number[],
): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const [pid, p] of processes)
    if (!postmasters || postmasters.includes(pid) || postmasters.includes(p.parent))
      ticks.set(pid, p.ticks);
  return ticks;
}

async function cpuPressureSomeAvg10(): Promise<number | undefined> {
  try {
    const text = await readFile('/proc/pressure/cpu', 'utf8');
    const value = /some avg10=([\d.]+)/.exec(text)?.[1];
    return value === undefined ? undefined : Number(value);
  } catch {
    return undefined;
  }
}

/** Counters of a topology's database, read once a second (rates come from their differences). */
export interface DatabaseCounters {
  replicaLagMs?: number | null;
  accessLogRows?: number;
  walBytes?: number;
}

/** CPU % of one core of a set of processes between two readings (a process new since counts from 0). */
function cpuTracker() {
  let last: { ticks: Map<number, number>; at: number } | undefined;
  return (ticks: Map<number, number>, now: number): number | undefined => {
    if (ticks.size === 0) return undefined;
    let used: number | undefined;
    if (last) {
      let sum = 0;
      for (const [pid, t] of ticks) sum += t - (last.ticks.get(pid) ?? 0);
      used =
        Math.round(
          (Math.max(0, sum) / CLOCK_TICKS_PER_S / Math.max(1e-3, (now - last.at) / 1000)) * 1000,
        ) / 10;
    }
    last = { ticks, at: now };
    return used;
  };
}

/** /proc readings of the given processes (those still running), each read once. */
async function pidStats(
  pids: readonly number[],
): Promise<Map<number, { cpuTicks: number; rssMb: number }>> {
  const stats = new Map<number, { cpuTicks: number; rssMb: number }>();
  await Promise.all(
    pids.map(async (pid) => {
      const stat = await procStat(pid);
      if (stat) stats.set(pid, stat);
    }),
  );
  return stats;
}

/**
 * Reads the database's counters once a second in the background (a query to a starved server
 * must not hold up the runner's loop, which awaits each sample) and keeps the latest rates.
 */
function pollCounters(read: () => Promise<DatabaseCounters>) {
  let last: { value: DatabaseCounters; at: number } | undefined;
  let latest: Pick<ResourceSample, 'replicaLagMs' | 'accessLogRowsPerS' | 'walBytesPerS'> = {};
  let busy = false;
  const round = (v: number) => Math.round(v * 10) / 10;
  const poll = async () => {
    if (busy) return;
    busy = true;
    try {
      const value = await read();
      const at = performance.now();
      const next: typeof latest = {};
      if (value.replicaLagMs !== undefined && value.replicaLagMs !== null)
        next.replicaLagMs = round(value.replicaLagMs);
      if (last) {
        const seconds = Math.max(1e-3, (at - last.at) / 1000);
        const rate = (a?: number, b?: number) =>
          a === undefined || b === undefined ? undefined : round(Math.max(0, a - b) / seconds);
        const rows = rate(value.accessLogRows, last.value.accessLogRows);
        if (rows !== undefined) next.accessLogRowsPerS = rows;
        const wal = rate(value.walBytes, last.value.walBytes);
        if (wal !== undefined) next.walBytesPerS = wal;
      }
      last = { value, at };
      latest = next;
    } catch {
      // an unanswered reading leaves the last one
    } finally {
      busy = false;
    }
  };
  void poll();
  const timer = setInterval(() => void poll(), 1000);
  timer.unref();
  return { latest: () => latest, stop: () => clearInterval(timer) };
}

export interface TopologyProcesses {
  /** Each eligibility-api instance's pid, in the run's instance order. */
  instancePids: ReadonlyArray<number | undefined>;
  /** Every process of the topology but PostgreSQL (the instances, insurer-api, jlis, portal). */
  appPids: readonly number[];
  /** Postmaster pids of the primary and the replica (postmaster.pid's first line). */
  primaryPostmaster?: number;
  replicaPostmaster?: number;
  /** The database's counters (replica lag, access-log rows, WAL position). */
  counters?: () => Promise<DatabaseCounters>;
}

export function createResourceSampler(options: {
  targetPid?: number;
  dbConnections?: () => Promise<number | undefined>;
  /** A topology run: the processes to measure instead of one target and every PostgreSQL. */
  topology?: TopologyProcesses;
}): ResourceSampler {
  const topology = options.topology;
  const clusters = topology
    ? [topology.primaryPostmaster, topology.replicaPostmaster].filter(
        (pid): pid is number => pid !== undefined,
      )
    : undefined;
  const apps = cpuTracker();
  const instanceCpu = (topology?.instancePids ?? []).map(() => cpuTracker());
  const primary = cpuTracker();
  const replica = cpuTracker();
  const counters = topology?.counters ? pollCounters(topology.counters) : undefined;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  let lastTarget: { cpuTicks: number; at: number } | undefined;
  let lastMachine: { busy: number; steal: number; at: number } | undefined;
  const postgresCpu = cpuTracker();
  const round = (v: number) => Math.round(v * 10) / 10;
  const percentOfCore = (ticks: number, fromMs: number, toMs: number) =>
    round((ticks / CLOCK_TICKS_PER_S / Math.max(1e-3, (toMs - fromMs) / 1000)) * 100);
  return {
    async sample(tS) {
      const now = performance.now();
      const seconds = Math.max(1e-3, (now - lastAt) / 1000);
      const cpu = process.cpuUsage(lastCpu);
      lastCpu = process.cpuUsage();
      lastAt = now;
      const sample: ResourceSample = {
        t: tS,
        runnerCpuPercent: round(((cpu.user + cpu.system) / 1e6 / seconds) * 100),
        runnerRssMb: round(process.memoryUsage.rss() / 1024 / 1024),
        runnerEventLoopDelayP99Ms: round(loop.percentile(99) / 1e6),
      };
      loop.reset();
      if (options.targetPid) {
        const stat = await procStat(options.targetPid);
        if (stat) {
          if (lastTarget) {
            const cpuS = (stat.cpuTicks - lastTarget.cpuTicks) / CLOCK_TICKS_PER_S;
            sample.targetCpuPercent = round(
              (cpuS / Math.max(1e-3, (now - lastTarget.at) / 1000)) * 100,
            );
          }
          sample.targetRssMb = round(stat.rssMb);
          lastTarget = { cpuTicks: stat.cpuTicks, at: now };
        }
      }
      const machine = await machineTicks();
      if (machine) {
        if (lastMachine) {
          sample.machineCpuPercent = percentOfCore(
            machine.busy - lastMachine.busy,
            lastMachine.at,
            now,
          );
          sample.stealCpuPercent = percentOfCore(
            machine.steal - lastMachine.steal,
            lastMachine.at,
            now,
          );
        }
        lastMachine = { ...machine, at: now };
      }
      const postgres = await postgresProcesses();
      if (topology) await sampleTopology(sample, postgres, now);
      const pg = postgresCpu(clusterTicks(postgres, clusters), now);
      if (pg !== undefined) sample.postgresCpuPercent = pg;
      sample.loadAverage1m = currentLoadAverage();
      const pressure = await cpuPressureSomeAvg10();
      if (pressure !== undefined) sample.cpuPressurePercent = pressure;
      const connections = await options.dbConnections?.().catch(() => undefined);
      if (connections !== undefined) sample.dbConnections = connections;
      return sample;
    },
    stop: () => {
      loop.disable();
      counters?.stop();
    },
  };

  async function sampleTopology(
    sample: ResourceSample,
    postgres: Map<number, { ticks: number; parent: number }>,
    now: number,
  ): Promise<void> {
    const t = topology!;
    // The instances are among the apps: their CPU and RSS come from the same reading.
    const stats = await pidStats([
      ...new Set([
        ...t.appPids,
        ...t.instancePids.flatMap((pid) => (pid === undefined ? [] : [pid])),
      ]),
    ]);
    const all = apps(
      new Map(
        t.appPids.flatMap((pid) => (stats.has(pid) ? [[pid, stats.get(pid)!.cpuTicks]] : [])),
      ),
      now,
    );
    if (all !== undefined) sample.targetCpuPercent = all;
    sample.instances = t.instancePids.map((pid, i) => {
      const stat = pid === undefined ? undefined : stats.get(pid);
      const cpu = instanceCpu[i]!(new Map(stat ? [[pid!, stat.cpuTicks]] : []), now);
      return {
        ...(cpu === undefined ? {} : { cpuPercent: cpu }),
        ...(stat ? { rssMb: round(stat.rssMb) } : {}),
      };
    });
    if (t.primaryPostmaster !== undefined) {
      const p = primary(clusterTicks(postgres, [t.primaryPostmaster]), now);
      if (p !== undefined) sample.primaryCpuPercent = p;
    }
    if (t.replicaPostmaster !== undefined) {
      const r = replica(clusterTicks(postgres, [t.replicaPostmaster]), now);
      if (r !== undefined) sample.replicaCpuPercent = r;
    }
    Object.assign(sample, counters?.latest() ?? {});
  }
}

export function describeMachine(input: {
  gitCommit: string;
  seed: number;
  database: string;
  databaseSizeMb?: number;
  members?: number;
  eligibilityRows?: number;
  instance?: string;
  targetStartedByRunner: boolean;
}): Environment {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    ...input,
  };
}

/** The 1-minute load average now (recorded when a run ends). */
export function currentLoadAverage(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
