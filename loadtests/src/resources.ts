import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { compiledWorker } from '@shikaku/platform/workers';
import {
  createProcReader,
  everySecond,
  type ProcFigures,
  type ProcTargets,
} from './proc-readings.js';
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

/** Counters of a topology's database, read once a second (rates come from their differences). */
export interface DatabaseCounters {
  replicaLagMs?: number | null;
  accessLogRows?: number;
  walBytes?: number;
}

/** The database's counters, read in the background (see createResourceSampler), as rates. */
function pollCounters(read: () => Promise<DatabaseCounters>) {
  let last: { value: DatabaseCounters; at: number } | undefined;
  let latest: Pick<ResourceSample, 'replicaLagMs' | 'accessLogRowsPerS' | 'walBytesPerS'> = {};
  const round = (v: number) => Math.round(v * 10) / 10;
  const stop = everySecond(read, (value) => {
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
  });
  return { latest: () => latest, stop };
}

/**
 * The /proc readings on their worker thread (resources.worker.ts), the latest kept; from a
 * source checkout without a build, on this thread, still in the background.
 */
function procReadings(targets: ProcTargets): { latest: () => ProcFigures; stop: () => void } {
  let latest: ProcFigures = {};
  const worker = compiledWorker(import.meta.url, 'resources.worker.js');
  if (!existsSync(worker.filename)) {
    const stop = everySecond(createProcReader(targets), (figures) => (latest = figures));
    return { latest: () => latest, stop };
  }
  const thread = new Worker(worker.filename, { execArgv: worker.execArgv, workerData: targets });
  thread.on('message', (figures: ProcFigures) => (latest = figures));
  // A failed reader leaves the figures out of the samples; the run goes on.
  thread.on('error', () => (latest = {}));
  thread.unref();
  return { latest: () => latest, stop: () => void thread.terminate() };
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
  // The pids go to the reader's thread; the counters (a function) stay on this one.
  const { counters: readCounters, ...pids } = options.topology ?? { instancePids: [], appPids: [] };
  const proc = procReadings({
    ...(options.targetPid ? { targetPid: options.targetPid } : {}),
    ...(options.topology ? { topology: pids } : {}),
  });
  // The database's figures are read in the background too: a query to a starved server must not
  // hold up the runner's loop, which awaits each sample.
  const counters = readCounters ? pollCounters(readCounters) : undefined;
  let connections: number | undefined;
  const stopConnections = options.dbConnections
    ? everySecond(options.dbConnections, (n) => (connections = n))
    : undefined;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    // Only the runner's own figures are taken here; the rest is the latest background reading.
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
      Object.assign(sample, proc.latest(), counters?.latest() ?? {});
      sample.loadAverage1m = currentLoadAverage();
      if (connections !== undefined) sample.dbConnections = connections;
      return sample;
    },
    stop: () => {
      loop.disable();
      proc.stop();
      counters?.stop();
      stopConnections?.();
    },
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
