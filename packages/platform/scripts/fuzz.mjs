#!/usr/bin/env node
// `pnpm --filter <app> fuzz -- --runs 2000 [--seed N]`: the app's fuzz suite (src/fuzz.test.ts)
// with N cases per route instead of the CI default, then the wall time.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2).filter((a) => a !== '--');
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = option('runs') ?? '2000';
const seed = option('seed');
const started = Date.now();
// Through npx, so it also runs outside `pnpm run` (vitest is the workspace's, never downloaded).
const result = spawnSync('npx', ['--no-install', 'vitest', 'run', 'src/fuzz.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs, ...(seed ? { FUZZ_SEED: seed } : {}) },
});
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (result.error) console.error(result.error);
console.info(`fuzz: ${runs} cases per route, exit ${result.status}, ${seconds} s`);
process.exit(result.status ?? 1);
