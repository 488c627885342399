// Helpers for benchmarks that run apps as child processes and measure their CPU (Linux only).
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * A process's parent and its user + system CPU seconds so far, from /proc/<pid>/stat (fields
 * after the command name; utime and stime in clock ticks, 100 a second on Linux).
 */
export function processStat(pid: number): { ppid: number; cpuSeconds: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100 };
}

/** User + system CPU seconds of one process so far. */
export function processCpuSeconds(pid: number): number {
  return processStat(pid).cpuSeconds;
}

/** Resolves once `url` answers 2xx (every 100 ms, 30 s at most); throws if the child exits. */
export async function untilHealthy(child: ChildProcess, url: string, name: string): Promise<void> {
  for (let tries = 0; tries < 300; tries++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    const up = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (up) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${name} did not answer ${url}`);
}

/** The median (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
}

/** A `LABEL=PATH` argument (a build to compare) as its label and absolute path. */
export function labelledPath(spec: string, defaultLabel: string): { label: string; path: string } {
  const at = spec.indexOf('=');
  return at < 0
    ? { label: defaultLabel, path: resolve(spec) }
    : { label: spec.slice(0, at), path: resolve(spec.slice(at + 1)) };
}

/**
 * Forks an app's server.js on 127.0.0.1:`port` at LOG_LEVEL=warn (as the load tests run it) with
 * `env` added, and resolves once its /health answers.
 */
export async function forkServer(
  path: string,
  port: number,
  env: Record<string, string>,
): Promise<ChildProcess> {
  const child = fork(path, [], {
    env: { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    await untilHealthy(child, `http://127.0.0.1:${port}/health`, path);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  return child;
}
