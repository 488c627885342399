import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { jstDate } from '@shikaku/core/clock';
import { databaseStats, dropDatabase, recreateDatabase } from '@shikaku/db/admin';
import { openDatabase } from '@shikaku/db/database';
import { newSecret } from '@shikaku/platform/secrets';
import { EligibilityClient } from '@shikaku/loadtests/eligibility-client';
import { loadFixtures, type LoadFixtures } from '@shikaku/loadtests/fixtures';
import { undiciSend } from '@shikaku/loadtests/node-runner';
import { loadProfile, ProfileError, type LoadProfile } from '@shikaku/loadtests/profile';
import { describeMachine } from '@shikaku/loadtests/resources';
import { readSummary, runLoadTest } from '@shikaku/loadtests/run-load-test';
import { renderReport } from '@shikaku/loadtests/report';
import { analyse } from '@shikaku/loadtests/analysis';
import { provisionCredentials, synthLoadFixtures } from '@shikaku/loadtests/synth-fixtures';
import { readCliEnvironment } from '../config.js';
import { CliError, printJson } from '../output.js';
import { STACK_COMPONENTS } from '../stack/components.js';
import { parseIntegerOption, parseIsoDateOption } from './options.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const ELIGIBILITY_PATH = ['jlis', 'insurer-api', 'eligibility-api'];

export function parseScaleOption(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 100)
    throw new InvalidArgumentError(`not a scale in (0, 100]: ${value}`);
  return n;
}

export interface LoadtestOptions {
  target?: string;
  runner: 'node' | 'k6';
  durationScale: number;
  fixtures?: string;
  seed: number;
  members: number;
  asOf?: string;
  port: number;
  results: string;
  connections: number;
  institutions: number;
  summary?: string;
  json?: boolean;
}

export function registerLoadtestCommand(program: Command): void {
  program
    .command('loadtest')
    .description(
      'Load-test the eligibility path with a profile (smoke, national-peak, stress, breakpoint, spike, soak) and write the capacity report',
    )
    .argument('<profile>', 'profile name in loadtests/profiles, or a path to a profile JSON file')
    .option(
      '--target <url>',
      'eligibility-api base URL on loopback; without it the stack is started on PostgreSQL',
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
      'synthetic members the started stack seeds',
      parseIntegerOption,
      10_000,
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
    .option('--json', 'print the outcome as one JSON object')
    .action(async (profileName: string, options: LoadtestOptions) => {
      if (options.summary) {
        const summary = await readSummary(options.summary).catch((error: Error) => {
          throw new CliError('INVALID_SUMMARY', error.message, 2);
        });
        const report = join(dirname(options.summary), 'report.html');
        await writeFile(report, await renderReport(summary));
        if (options.json) printJson({ report, pass: summary.pass });
        else process.stdout.write(`${report}\n`);
        return;
      }
      const { profile, file } = await readProfile(profileName);
      const env = readCliEnvironment();
      const asOf = options.asOf ?? jstDate(new Date());
      const log = (line: string) => {
        if (!options.json) process.stderr.write(`loadtest: ${line}\n`);
      };
      const stack = options.target
        ? undefined
        : await startStackProcess(options, asOf, env.databaseUrl, log);
      try {
        const target = options.target ?? stack!.eligibilityUrl;
        // The key given to the stack it started; a --target's comes from the environment.
        const serviceKey = stack?.serviceKey ?? env.serviceKey;
        const fixtures = await prepareFixtures(options, target, serviceKey, asOf, log);
        await waitForData(fixtures, target, options.seed, asOf, log);
        const dbHandle = stack?.databaseUrl
          ? await openDatabase({ url: stack.databaseUrl, poolSize: 1 })
          : undefined;
        try {
          const stats = dbHandle ? await databaseStats(dbHandle) : undefined;
          const environment = describeMachine({
            gitCommit: await gitCommit(),
            seed: options.seed,
            database: stack?.database ?? 'unknown (given --target)',
            ...(stats ? { databaseSizeMb: stats.sizeMb } : {}),
            ...(stack ? { members: options.members } : {}),
            targetStartedByRunner: stack !== undefined,
          });
          log(`running ${profile.name} with the ${options.runner} runner against ${target}`);
          const { summary, dir } = await runLoadTest({
            profile,
            profileFile: file,
            fixtures,
            ...(options.fixtures ? { fixturesFile: options.fixtures } : {}),
            target,
            runner: options.runner,
            durationScale: options.durationScale,
            seed: options.seed,
            confirmationDate: asOf,
            resultsDir: options.results,
            environment,
            ...(stack?.pid ? { targetPid: stack.pid } : {}),
            ...(dbHandle
              ? { dbConnections: async () => (await databaseStats(dbHandle)).connections }
              : {}),
            connections: options.connections,
            now: new Date(),
            log,
          });
          const analysis = analyse(summary);
          const outcome = {
            profile: profile.name,
            pass: summary.pass,
            results: dir,
            report: `${dir}/report.html`,
            requests: summary.totals.scheduled,
            p99Ms: summary.thresholds[0]?.actual ?? null,
            errors: summary.totals.errors,
            dropped: summary.totals.dropped,
            sustainableRate: analysis.sustainableRate,
            nationalPeak: analysis.designRate,
            instancesForNationalPeak: analysis.capacity[0]?.instances ?? null,
            saturation: analysis.saturation,
            thresholds: summary.thresholds,
          };
          if (options.json) printJson(outcome);
          else {
            process.stdout.write(
              [
                `${profile.name}: ${summary.pass ? 'PASS' : 'FAIL'}`,
                ...summary.thresholds.map(
                  (t) => `  ${t.pass ? 'ok  ' : 'FAIL'} ${t.name}: ${t.actual} (limit ${t.limit})`,
                ),
                `  requests ${summary.totals.scheduled}, ok ${summary.totals.ok}, errors ${summary.totals.errors}, dropped ${summary.totals.dropped}`,
                `  sustained ${analysis.sustainableRate.toFixed(1)}/s within SLOs; national peak ${analysis.designRate}/s → ${analysis.capacity[0]?.instances ?? '–'} instances`,
                `  report: ${dir}/report.html`,
                '',
              ].join('\n'),
            );
          }
          if (!summary.pass)
            throw new CliError(
              'THRESHOLDS_FAILED',
              `${profile.name}: SLO thresholds failed (see ${dir}/report.html)`,
            );
        } finally {
          await dbHandle?.close();
        }
      } finally {
        await stack?.close();
      }
    });
}

async function readProfile(name: string): Promise<{ profile: LoadProfile; file: string }> {
  try {
    return await loadProfile(name);
  } catch (error) {
    if (error instanceof ProfileError) throw new CliError(error.code, error.message, 2);
    throw error;
  }
}

/** Fixtures from a file, or from the synthetic population with credentials provisioned. */
async function prepareFixtures(
  options: LoadtestOptions,
  target: string,
  serviceKey: string | undefined,
  asOf: string,
  log: (l: string) => void,
): Promise<LoadFixtures> {
  if (options.fixtures) {
    try {
      return await loadFixtures(options.fixtures);
    } catch (error) {
      throw new CliError(
        (error as { code?: string }).code ?? 'INVALID_FIXTURES',
        (error as Error).message,
        2,
      );
    }
  }
  const { fixtures, institutions } = synthLoadFixtures({
    seed: options.seed,
    members: options.members,
    asOf,
  });
  if (!serviceKey) {
    throw new CliError(
      'SERVICE_KEY_REQUIRED',
      "set SHIKAKU_SERVICE_KEY to the target's x-service-key (to provision the load test's institutions), or give --fixtures",
      2,
    );
  }
  const http = undiciSend(target, { connections: 4, timeoutMs: 30_000 });
  try {
    const credentials = await provisionCredentials(
      http.send,
      serviceKey,
      institutions.slice(0, options.institutions),
    );
    log(
      `fixtures: ${fixtures.insured.length} insured, ${fixtures.cards.length} cards, ${credentials.length} institutions (seed ${options.seed})`,
    );
    return { ...fixtures, institutions: credentials };
  } finally {
    await http.close();
  }
}

/** The stack fills eligibility-api through the outbox relay: wait until a fixture person answers. */
async function waitForData(
  fixtures: LoadFixtures,
  target: string,
  seed: number,
  asOf: string,
  log: (l: string) => void,
): Promise<void> {
  const http = undiciSend(target, { connections: 1, timeoutMs: 10_000 });
  const client = new EligibilityClient(http.send, fixtures, {
    seed,
    bulkItemsPerRequest: 1,
    confirmationDate: asOf,
  });
  const deadline = Date.now() + 180_000;
  let last: string | null = 'not tried';
  try {
    while (Date.now() < deadline) {
      last = await client.probe().catch((error: Error) => error.message);
      if (last === null) return;
      await new Promise((done) => setTimeout(done, 1000));
    }
  } finally {
    await http.close();
  }
  log(`the target never answered a fixture person (${last})`);
  throw new CliError(
    'TARGET_NOT_READY',
    `the target did not answer a fixture person within 180 s: ${last}`,
  );
}

interface StackProcess {
  pid: number | undefined;
  eligibilityUrl: string;
  /** The x-service-key the stack runs with. */
  serviceKey: string;
  database: string;
  databaseUrl: string | undefined;
  close(): Promise<void>;
}

function postgresReachable(host = '127.0.0.1', port = 5432): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host, port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
    socket.once('timeout', () => (socket.destroy(), done(false)));
  });
}

/**
 * Starts `shikaku stack` as its own process (the load generator must not share its event loop)
 * on a fresh `shikaku_loadtest_<port>` database (dropped afterwards): on DATABASE_URL's server, else the local 127.0.0.1:5432
 * when it answers, else embedded PGlite in memory (with a warning: not the production shape).
 */
async function startStackProcess(
  options: LoadtestOptions,
  asOf: string,
  databaseUrl: string | undefined,
  log: (l: string) => void,
): Promise<StackProcess> {
  const adminUrl = databaseUrl ?? ((await postgresReachable()) ? LOCAL_POSTGRES : undefined);
  // One database per run (by port, or by process with --port 0), dropped afterwards.
  const databaseName = `shikaku_loadtest_${options.port || process.pid}`;
  let url: string | undefined;
  if (adminUrl) {
    url = await recreateDatabase(adminUrl, databaseName);
    log(`stack on PostgreSQL, fresh database ${databaseName}`);
  } else {
    log(
      'WARNING: no PostgreSQL reachable; the stack runs on embedded PGlite, which is not the production shape',
    );
  }
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  const args = [
    main,
    'stack',
    '--json',
    '--port',
    String(options.port),
    '--seed',
    String(options.seed),
    '--members',
    String(options.members),
    '--as-of',
    asOf,
    '--data-dir',
    `${REPO_ROOT}.shikaku/loadtest-stack`,
  ];
  // Only the eligibility path: the apps it calls, and nothing that competes with it for the CPU.
  const only = ELIGIBILITY_PATH.filter((name) => STACK_COMPONENTS.some((c) => c.name === name));
  if (only.length > 0) args.push('--only', ...only);
  if (!url) args.push('--memory');
  // The stack has no default key: give it one, to provision the load test's institutions with.
  const serviceKey = readCliEnvironment().serviceKey ?? newSecret();
  const childEnv: NodeJS.ProcessEnv = {
    ...readCliEnvironment().inherited,
    LOG_LEVEL: readCliEnvironment().logLevel,
    SHIKAKU_SERVICE_KEY: serviceKey,
  };
  if (url) childEnv.DATABASE_URL = url;
  else delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: childEnv,
  });
  const close = async () => {
    await stopChild(child);
    if (adminUrl) await dropDatabase(adminUrl, databaseName).catch(() => undefined);
  };
  try {
    const started = await firstJsonLine(child, 300_000);
    const apps = (started.apps ?? {}) as Record<string, { url: string }>;
    const eligibility = apps['eligibility-api'];
    if (!eligibility)
      throw new CliError(
        'NO_ELIGIBILITY_API',
        'the stack has no eligibility-api yet: give --target',
      );
    log(`stack up: eligibility-api ${eligibility.url} (${String(started.database)})`);
    return {
      pid: child.pid,
      eligibilityUrl: eligibility.url,
      serviceKey,
      database: String(started.database),
      databaseUrl: url,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function firstJsonLine(child: ChildProcess, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((done, fail) => {
    let buffer = '';
    const timer = setTimeout(
      () =>
        fail(
          new CliError(
            'STACK_START_TIMEOUT',
            `the stack did not start within ${timeoutMs / 1000} s`,
          ),
        ),
      timeoutMs,
    );
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      try {
        const value = JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>;
        if (value.error) fail(new CliError('STACK_FAILED', JSON.stringify(value.error)));
        else done(value);
      } catch {
        fail(new CliError('STACK_FAILED', `unexpected stack output: ${buffer.slice(0, 200)}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new CliError('STACK_FAILED', `the stack exited with ${code} before it started`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}

function gitCommit(): Promise<string> {
  return new Promise((done) => {
    execFile('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT }, (error, stdout) =>
      done(error ? 'unknown' : stdout.trim()),
    );
  });
}
