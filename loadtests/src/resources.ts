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

/** CPU ticks per PostgreSQL process on this machine (empty when none is visible). */
async function postgresTicks(): Promise<Map<number, number>> {
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
        ticks.set(Number(pid), Number(fields[11]) + Number(fields[12]));
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

export function createResourceSampler(options: {
  targetPid?: number;
  dbConnections?: () => Promise<number | undefined>;
}): ResourceSampler {
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
      const postgres = await postgresTicks();
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
