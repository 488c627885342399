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

/**
 * CPU ticks of every PostgreSQL process on this machine (empty when none is visible), or, with
 * `postmasters`, of each of those clusters: its postmaster and the processes it forked.
 */
async function postgresTicks(postmasters?: readonly number[]): Promise<Map<number, number>> {
  const ticks = new Map<number, number>();
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return ticks;
  }
  await Promise.all(
    pids.map(async (pid) => {
      try {
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (comm !== 'postgres') return;
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const own = Number(pid);
        const parent = Number(fields[1]);
        if (postmasters && !postmasters.includes(own) && !postmasters.includes(parent)) return;
        ticks.set(own, Number(fields[11]) + Number(fields[12]));
      } catch {
        // the process ended between the listing and the read
      }
    }),
  );
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
function cpuTracker(read: () => Promise<Map<number, number>>) {
  let last: { ticks: Map<number, number>; at: number } | undefined;
  return async (now: number): Promise<number | undefined> => {
    const ticks = await read();
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

/** Ticks of the given processes (those still running). */
async function pidTicks(pids: readonly number[]): Promise<Map<number, number>> {
  const ticks = new Map<number, number>();
  for (const pid of pids) {
    const stat = await procStat(pid);
    if (stat) ticks.set(pid, stat.cpuTicks);
  }
  return ticks;
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
  const apps = topology ? cpuTracker(() => pidTicks(topology.appPids)) : undefined;
  const instanceCpu = (topology?.instancePids ?? []).map((pid) =>
    pid === undefined ? undefined : cpuTracker(() => pidTicks([pid])),
  );
  const primary =
    topology?.primaryPostmaster === undefined
      ? undefined
      : cpuTracker(() => postgresTicks([topology.primaryPostmaster!]));
  const replica =
    topology?.replicaPostmaster === undefined
      ? undefined
      : cpuTracker(() => postgresTicks([topology.replicaPostmaster!]));
  let lastCounters: { value: DatabaseCounters; at: number } | undefined;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  let lastTarget: { cpuTicks: number; at: number } | undefined;
  let lastMachine: { busy: number; steal: number; at: number } | undefined;
  let lastPostgres: { ticks: Map<number, number>; at: number } | undefined;
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
      if (topology) await sampleTopology(sample, now);
      const postgres = await postgresTicks(clusters);
      if (postgres.size > 0) {
        if (lastPostgres) {
          let ticks = 0;
          // A backend that started since the last sample counts from zero.
          for (const [pid, t] of postgres) ticks += t - (lastPostgres.ticks.get(pid) ?? 0);
          sample.postgresCpuPercent = percentOfCore(Math.max(0, ticks), lastPostgres.at, now);
        }
        lastPostgres = { ticks: postgres, at: now };
      }
      sample.loadAverage1m = currentLoadAverage();
      const pressure = await cpuPressureSomeAvg10();
      if (pressure !== undefined) sample.cpuPressurePercent = pressure;
      const connections = await options.dbConnections?.().catch(() => undefined);
      if (connections !== undefined) sample.dbConnections = connections;
      return sample;
    },
    stop: () => loop.disable(),
  };

  async function sampleTopology(sample: ResourceSample, now: number): Promise<void> {
    const apps_ = await apps!(now);
    if (apps_ !== undefined) sample.targetCpuPercent = apps_;
    sample.instances = await Promise.all(
      topology!.instancePids.map(async (pid, i) => {
        const cpu = await instanceCpu[i]?.(now);
        const stat = pid === undefined ? undefined : await procStat(pid);
        return {
          ...(cpu === undefined ? {} : { cpuPercent: cpu }),
          ...(stat ? { rssMb: round(stat.rssMb) } : {}),
        };
      }),
    );
    const p = await primary?.(now);
    if (p !== undefined) sample.primaryCpuPercent = p;
    const r = await replica?.(now);
    if (r !== undefined) sample.replicaCpuPercent = r;
    const counters = await topology!.counters?.().catch(() => undefined);
    if (!counters) return;
    if (counters.replicaLagMs !== undefined && counters.replicaLagMs !== null)
      sample.replicaLagMs = round(counters.replicaLagMs);
    if (lastCounters) {
      const seconds = Math.max(1e-3, (now - lastCounters.at) / 1000);
      const rate = (a?: number, b?: number) =>
        a === undefined || b === undefined ? undefined : round(Math.max(0, a - b) / seconds);
      const rows = rate(counters.accessLogRows, lastCounters.value.accessLogRows);
      if (rows !== undefined) sample.accessLogRowsPerS = rows;
      const wal = rate(counters.walBytes, lastCounters.value.walBytes);
      if (wal !== undefined) sample.walBytesPerS = wal;
    }
    lastCounters = { value: counters, at: now };
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
