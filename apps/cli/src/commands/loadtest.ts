import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { parseIntegerOption, parseIsoDateOption } from './options.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export function parseScaleOption(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 100)
    throw new InvalidArgumentError(`not a scale in (0, 100]: ${value}`);
  return n;
}

export interface LoadtestOptions {
  target?: string;
  topology?: string;
  runner: 'node' | 'k6';
  durationScale: number;
  fixtures?: string;
  seed: number;
  members: number;
  scaleMembers: number;
  repeat: number;
  asOf?: string;
  port: number;
  results: string;
  connections: number;
  institutions: number;
  summary?: string;
  cpuProf?: string;
  json?: boolean;
}

/** The command's options and help; the work (stack, runner, report) loads only when it runs. */
export function registerLoadtestCommand(program: Command): void {
  program
    .command('loadtest')
    .description(
      'Load-test the eligibility path with a profile (smoke, national-peak, steps, stress, breakpoint, spike, soak) and write the capacity report',
    )
    .argument('<profile>', 'profile name in loadtests/profiles, or a path to a profile JSON file')
    .option(
      '--target <url>',
      'eligibility-api base URL on loopback; without it the stack is started on PostgreSQL',
    )
    .option(
      '--topology <dir|up>',
      'spread the requests over the eligibility-api instances of a loopback topology (deploy/local/topology.sh): its folder, or `up` to start one for the run and tear it down after; the report gives figures per instance and the instance count',
    )
    .addOption(
      new Option('--runner <runner>', 'load generator').choices(['node', 'k6']).default('node'),
    )
    .option(
      '--duration-scale <x>',
      'multiply every stage duration (0.2 = a fifth as long)',
      parseScaleOption,
      1,
    )
    .option(
      '--fixtures <file>',
      'load-test fixtures JSON (default: from the synthetic population of --seed)',
    )
    .option('--seed <n>', 'seed of the synthetic data', parseIntegerOption, 1)
    .option(
      '--members <n>',
      'synthetic members the started stack registers (the people the requests ask for)',
      parseIntegerOption,
      10_000,
    )
    .option(
      '--scale-members <n>',
      'qualifications in the started stack’s eligibility store: members beyond --members are generated inside PostgreSQL, so indexes and caches behave as at scale (0: --members only)',
      parseIntegerOption,
      1_000_000,
    )
    .option(
      '--repeat <n>',
      'run the profile n times against the same stack and report the median and spread',
      parseIntegerOption,
      1,
    )
    .option(
      '--as-of <date>',
      'date of the confirmations and the stack clock (default: today in Japan)',
      parseIsoDateOption,
    )
    .option('--port <port>', 'first port of the started stack', parseIntegerOption, 8500)
    .option('--results <dir>', 'where result folders go', `${REPO_ROOT}loadtests/results`)
    .option('--connections <n>', 'HTTP connections of the Node runner', parseIntegerOption, 128)
    .option(
      '--institutions <n>',
      'institutions that log in and send requests',
      parseIntegerOption,
      24,
    )
    .option(
      '--summary <file>',
      'render report.html beside an existing summary.json (from k6 or the Node runner) instead of running',
    )
    .option(
      '--cpu-prof <dir>',
      'profile the started stack process (node --cpu-prof); the .cpuprofile is written to dir when the stack stops',
    )
    .option('--json', 'print the outcome as one JSON object')
    .action(async (profileName: string, options: LoadtestOptions) => {
      const { runLoadtestCommand } = await import('./loadtest-action.js');
      await runLoadtestCommand(profileName, options);
    });
}
