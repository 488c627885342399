import { readFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Environment, ResourceSample } from './summary.js';

/**
 * Resource use during a run, sampled once a second: the runner's own CPU, RSS and event-loop
 * delay (a lagging runner would slip its schedule), the target process's CPU and RSS from /proc
 * when it runs on this machine, and database connections through an injected probe.
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

export function createResourceSampler(options: {
  targetPid?: number;
  dbConnections?: () => Promise<number | undefined>;
}): ResourceSampler {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  let lastTarget: { cpuTicks: number; at: number } | undefined;
  const round = (v: number) => Math.round(v * 10) / 10;
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
