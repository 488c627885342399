import { readdir, readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { ResourceSample } from './summary.js';

/**
 * What the resource sampler reads from /proc: the target's CPU and RSS, a topology's processes and
 * clusters, every PostgreSQL process, the machine's CPU, steal and CPU pressure. A reading walks
 * /proc (a file per PostgreSQL process): it runs on a worker thread of its own
 * (resources.worker.ts), never on the load generator's event loop, whose schedule it would hold up.
 */

/** The processes to read: one target, or a topology's (every pid known when the run starts). */
export interface ProcTargets {
  targetPid?: number;
  topology?: {
    instancePids: ReadonlyArray<number | undefined>;
    appPids: readonly number[];
    primaryPostmaster?: number;
    replicaPostmaster?: number;
  };
}

/** A reading's figures: rates over the time since the previous reading. */
export type ProcFigures = Pick<
  ResourceSample,
  | 'targetCpuPercent'
  | 'targetRssMb'
  | 'machineCpuPercent'
  | 'stealCpuPercent'
  | 'postgresCpuPercent'
  | 'cpuPressurePercent'
  | 'instances'
  | 'primaryCpuPercent'
  | 'replicaCpuPercent'
>;

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

/** Reads the targets' figures; each call's rates cover the time since the call before. */
export function createProcReader(targets: ProcTargets): () => Promise<ProcFigures> {
  const topology = targets.topology;
  const clusters = topology
    ? [topology.primaryPostmaster, topology.replicaPostmaster].filter(
        (pid): pid is number => pid !== undefined,
      )
    : undefined;
  const apps = cpuTracker();
  const instanceCpu = (topology?.instancePids ?? []).map(() => cpuTracker());
  const primary = cpuTracker();
  const replica = cpuTracker();
  const postgresCpu = cpuTracker();
  let lastTarget: { cpuTicks: number; at: number } | undefined;
  let lastMachine: { busy: number; steal: number; at: number } | undefined;
  const round = (v: number) => Math.round(v * 10) / 10;
  const percentOfCore = (ticks: number, fromMs: number, toMs: number) =>
    round((ticks / CLOCK_TICKS_PER_S / Math.max(1e-3, (toMs - fromMs) / 1000)) * 100);
  return async () => {
    const now = performance.now();
    const figures: ProcFigures = {};
    if (targets.targetPid) {
      const stat = await procStat(targets.targetPid);
      if (stat) {
        if (lastTarget) {
          const cpuS = (stat.cpuTicks - lastTarget.cpuTicks) / CLOCK_TICKS_PER_S;
          figures.targetCpuPercent = round(
            (cpuS / Math.max(1e-3, (now - lastTarget.at) / 1000)) * 100,
          );
        }
        figures.targetRssMb = round(stat.rssMb);
        lastTarget = { cpuTicks: stat.cpuTicks, at: now };
      }
    }
    const machine = await machineTicks();
    if (machine) {
      if (lastMachine) {
        figures.machineCpuPercent = percentOfCore(
          machine.busy - lastMachine.busy,
          lastMachine.at,
          now,
        );
        figures.stealCpuPercent = percentOfCore(
          machine.steal - lastMachine.steal,
          lastMachine.at,
          now,
        );
      }
      lastMachine = { ...machine, at: now };
    }
    const postgres = await postgresProcesses();
    if (topology) await readTopology(figures, postgres, now);
    const pg = postgresCpu(clusterTicks(postgres, clusters), now);
    if (pg !== undefined) figures.postgresCpuPercent = pg;
    const pressure = await cpuPressureSomeAvg10();
    if (pressure !== undefined) figures.cpuPressurePercent = pressure;
    return figures;
  };

  async function readTopology(
    figures: ProcFigures,
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
    if (all !== undefined) figures.targetCpuPercent = all;
    figures.instances = t.instancePids.map((pid, i) => {
      const stat = pid === undefined ? undefined : stats.get(pid);
      const cpu = instanceCpu[i]!(new Map(stat ? [[pid!, stat.cpuTicks]] : []), now);
      return {
        ...(cpu === undefined ? {} : { cpuPercent: cpu }),
        ...(stat ? { rssMb: round(stat.rssMb) } : {}),
      };
    });
    if (t.primaryPostmaster !== undefined) {
      const p = primary(clusterTicks(postgres, [t.primaryPostmaster]), now);
      if (p !== undefined) figures.primaryCpuPercent = p;
    }
    if (t.replicaPostmaster !== undefined) {
      const r = replica(clusterTicks(postgres, [t.replicaPostmaster]), now);
      if (r !== undefined) figures.replicaCpuPercent = r;
    }
  }
}

/**
 * Calls `read` now and then once a second in the background, never two at once (a reading slower
 * than a second skips a turn), and hands each answer to `use`; an unanswered read is skipped.
 * Returns the stop.
 */
export function everySecond<T>(read: () => Promise<T>, use: (value: T) => void): () => void {
  let busy = false;
  const turn = async () => {
    if (busy) return;
    busy = true;
    try {
      use(await read());
    } catch {
      // an unanswered reading leaves the last one
    } finally {
      busy = false;
    }
  };
  void turn();
  const timer = setInterval(() => void turn(), 1000);
  timer.unref();
  return () => clearInterval(timer);
}
