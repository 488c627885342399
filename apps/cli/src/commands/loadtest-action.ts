import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jstDate } from '@shikaku/core/clock';
import { insurerNumberFromBody } from '@shikaku/core/insurer-number';
import { databaseStats, dropDatabase, recreateDatabase } from '@shikaku/db/admin';
import { openDatabase, type DatabaseHandle } from '@shikaku/db/database';
import {
  analyzeQualifications,
  loadSyntheticQualifications,
} from '@shikaku/db/eligibility/synthetic-load';
import { newSecret } from '@shikaku/platform/secrets';
import {
  analyse,
  headlineFigures,
  summariseRepeats,
  type Analysis,
} from '@shikaku/loadtests/analysis';
import { EligibilityClient } from '@shikaku/loadtests/eligibility-client';
import { loadFixtures, type LoadFixtures } from '@shikaku/loadtests/fixtures';
import { undiciSend } from '@shikaku/loadtests/node-runner';
import { loadProfile, ProfileError, type LoadProfile } from '@shikaku/loadtests/profile';
import { describeMachine } from '@shikaku/loadtests/resources';
import { analyseTopology, type TopologyAnalysis } from '@shikaku/loadtests/topology-analysis';
import { readSummary, resultsFolderName, runLoadTest } from '@shikaku/loadtests/run-load-test';
import { renderReport } from '@shikaku/loadtests/report';
import type { LoadSummary } from '@shikaku/loadtests/summary';
import { provisionCredentials, synthLoadFixtures } from '@shikaku/loadtests/synth-fixtures';
import { readCliEnvironment } from '../config.js';
import { CliError, printJson } from '../output.js';
import { STACK_COMPONENTS } from '../stack/components.js';
import type { LoadtestOptions } from './loadtest.js';
import { interruptTeardown, type Teardown } from './loadtest-interrupt.js';
import { openTopology, seedTopologyMembers, type LoadtestTopology } from './loadtest-topology.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const ELIGIBILITY_PATH = ['jlis', 'insurer-api', 'eligibility-api'];
/**
 * Insurers of the members generated inside PostgreSQL: 法別 63, which the synthetic population
 * never uses, so no generated row can answer a fixture person's search.
 */
const SCALE_INSURERS = Array.from({ length: 47 }, (_, k) =>
  insurerNumberFromBody(`63${String(k + 1).padStart(2, '0')}${String(k).padStart(3, '0')}`),
);

/** `shikaku loadtest`'s work, loaded only when the command runs. */
export async function runLoadtestCommand(
  profileName: string,
  options: LoadtestOptions,
): Promise<void> {
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
  if (options.repeat < 1) throw new CliError('INVALID_OPTION', '--repeat must be ≥ 1', 2);
  if (options.topology !== undefined && options.target !== undefined)
    throw new CliError(
      'INVALID_OPTION',
      '--topology and --target exclude each other: the topology names its instances',
      2,
    );
  if (options.cpuProf !== undefined && (options.topology ?? options.target) !== undefined)
    throw new CliError(
      'INVALID_OPTION',
      '--cpu-prof profiles the stack the load test starts: it excludes --target and --topology',
      2,
    );
  const { profile } = await readProfile(profileName);
  const env = readCliEnvironment();
  const asOf = options.asOf ?? jstDate(new Date());
  // Said even with --json: a Ctrl-C is answered on the terminal it came from.
  const teardown = interruptTeardown((line) => process.stderr.write(`loadtest: ${line}\n`));
  // Once a signal came, the work winding down has nothing more to say.
  const log = (line: string) => {
    if (!options.json && !teardown.stopping) process.stderr.write(`loadtest: ${line}\n`);
  };
  try {
    await teardown.guard(
      (async () => {
        const topology =
          options.topology !== undefined
            ? await openTopology(options.topology, options.asOf, env.inherited, log, teardown)
            : undefined;
        try {
          await runAgainst(profile, options, asOf, env, topology, teardown, log);
        } finally {
          await topology?.close();
        }
      })(),
    );
  } finally {
    teardown.dispose();
  }
}

async function runAgainst(
  profile: LoadProfile,
  options: LoadtestOptions,
  asOf: string,
  env: ReturnType<typeof readCliEnvironment>,
  topology: LoadtestTopology | undefined,
  teardown: Teardown,
  log: (line: string) => void,
): Promise<void> {
  const stack =
    options.target || topology
      ? undefined
      : await startStackProcess(options, asOf, env.databaseUrl, teardown, log);
  try {
    const target = topology?.env.eligibility[0]!.url ?? options.target ?? stack!.eligibilityUrl;
    // The key given to the stack it started, or the topology's; a --target's comes from the environment.
    const serviceKey = stack?.serviceKey ?? topology?.env.serviceKey ?? env.serviceKey;
    if (topology && !options.fixtures)
      await seedTopologyMembers(topology, { ...options, asOf }, log);
    const fixtures = await prepareFixtures(options, target, serviceKey, asOf, log);
    await waitForData(fixtures, target, options.seed, asOf, log);
    const dbHandle = topology
      ? undefined
      : stack?.databaseUrl
        ? await openDatabase({ url: stack.databaseUrl, poolSize: 1 })
        : undefined;
    // The eligibility store and its statistics: the stack's database, or the topology's primary.
    const storeHandle = topology?.primary ?? dbHandle;
    try {
      const generated =
        storeHandle && (stack || topology)
          ? await scaleEligibilityStore(storeHandle, options, log)
          : 0;
      const stats = storeHandle ? await databaseStats(storeHandle) : undefined;
      const machine = describeMachine({
        gitCommit: await gitCommit(),
        seed: options.seed,
        database: topology
          ? `PostgreSQL primary ${topology.description.primary} and streaming replica ${topology.description.replica ?? '(none)'} (the topology's own clusters)`
          : (stack?.database ?? 'unknown (given --target)'),
        ...(stats ? { databaseSizeMb: stats.sizeMb } : {}),
        ...(stack || topology
          ? { members: options.members, eligibilityRows: options.members + generated }
          : {}),
        targetStartedByRunner:
          stack !== undefined || topology?.description.startedByRunner === true,
      });
      const environment = {
        ...machine,
        instance: topology
          ? `one eligibility-api process (apps/eligibility-api/dist/server.js) of the topology's ${topology.env.eligibility.length}, reading from the replica and writing to the primary; all of them, ${topology.env.others.map((o) => o.name).join(', ')}, both PostgreSQL clusters and the load generator share this machine's ${machine.cpus} cores and ${machine.memoryGb} GB`
          : stack
            ? `one stack process (${ELIGIBILITY_PATH.join(', ')}) on this machine's ${machine.cpus} cores and ${machine.memoryGb} GB, sharing them and ${stack.databaseUrl ? 'the PostgreSQL server on 127.0.0.1' : 'embedded PGlite'} with the load generator`
            : `the target at ${target} (given --target: its cores, memory and database are not known to this run)`,
      };
      const outcomes: Outcome[] = [];
      for (let run = 1; run <= options.repeat; run++) {
        log(
          `running ${profile.name}${options.repeat > 1 ? ` (${run} of ${options.repeat})` : ''} with the ${options.runner} runner against ${topology ? `${topology.env.eligibility.length} instances, round-robin` : target}`,
        );
        const { summary, dir } = await runLoadTest({
          profile,
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
          // A topology's database is read by the sampler's own poller (replica lag, access log).
          ...(storeHandle && !topology
            ? { dbConnections: async () => (await databaseStats(storeHandle)).connections }
            : {}),
          ...(topology
            ? {
                topology: {
                  description: topology.description,
                  processes: topology.processes,
                },
              }
            : {}),
          connections: options.connections,
          now: new Date(),
          ...(options.repeat > 1 ? { runLabel: `run${run}` } : {}),
          log,
        });
        const outcome = describeOutcome(profile, summary, dir);
        outcomes.push(outcome);
        if (!options.json) process.stdout.write(outcomeText(outcome));
      }
      await reportRepeats(profile, options, outcomes);
      const failed = outcomes.filter((o) => !o.pass);
      if (failed.length > 0)
        throw new CliError(
          'THRESHOLDS_FAILED',
          `${profile.name}: SLO thresholds failed (see ${failed.map((o) => o.report).join(', ')})`,
        );
    } finally {
      await dbHandle?.close();
    }
  } finally {
    await stack?.close();
  }
}

interface Outcome {
  profile: string;
  pass: boolean;
  results: string;
  report: string;
  requests: number;
  p99Ms: number | null;
  errors: number;
  dropped: number;
  valid: boolean;
  verdict: string;
  sustainableRate: number;
  nationalPeak: number;
  instancesForNationalPeak: number | null;
  saturation: Analysis['saturation'];
  plateaus: Analysis['plateaus'];
  thresholds: LoadSummary['thresholds'];
  /** The headline, word for word as the report shows it. */
  figures: Array<{ label: string; value: string }>;
  /** A topology run: each instance, the database, and the capacity per scenario. */
  topology?: TopologyAnalysis;
  analysis: Analysis;
}

function describeOutcome(profile: LoadProfile, summary: LoadSummary, dir: string): Outcome {
  const analysis = analyse(summary);
  const topology = analyseTopology(summary, analysis);
  return {
    ...(topology ? { topology } : {}),
    profile: profile.name,
    pass: summary.pass,
    results: dir,
    report: `${dir}/report.html`,
    requests: summary.totals.scheduled,
    p99Ms: summary.thresholds[0]?.actual ?? null,
    errors: summary.totals.errors,
    dropped: summary.totals.dropped,
    valid: analysis.validity.valid,
    verdict: analysis.validity.verdict,
    sustainableRate: analysis.sustainableRate,
    nationalPeak: analysis.designRate,
    instancesForNationalPeak: analysis.capacity[0]?.instances ?? null,
    saturation: analysis.saturation,
    plateaus: analysis.plateaus,
    thresholds: summary.thresholds,
    figures: headlineFigures(summary, analysis),
    analysis,
  };
}

/** The CLI's summary: the report's headline figures, the same strings, then the thresholds. */
function outcomeText(o: Outcome): string {
  return [
    `${o.profile}: ${o.pass ? 'PASS' : 'FAIL'}`,
    ...o.figures.map((f) => `  ${f.label}: ${f.value}`),
    ...(o.topology ? topologyLines(o.topology) : []),
    ...o.thresholds.map(
      (t) => `  ${t.pass ? 'ok  ' : 'FAIL'} ${t.name}: ${t.actual} (limit ${t.limit})`,
    ),
    `  report: ${o.report}`,
    '',
  ].join('\n');
}

const orDash = (v: number | null, unit = '') => (v === null ? '–' : `${v}${unit}`);

/** A topology run's instances and database, one line each (the report's Topology section). */
function topologyLines(t: TopologyAnalysis): string[] {
  const db = t.database;
  return [
    ...t.instances.map(
      (i) =>
        `  ${i.name} (${i.url}): ${i.requests} requests, ${i.errors} errors, ${i.dropped} dropped, p50 ${i.p50Ms} ms, p99 ${i.p99Ms} ms; plateau ${i.plateau ? `${i.plateau.achieved.median}/s (p10–p90 ${i.plateau.achieved.p10}–${i.plateau.achieved.p90}), p99 ${i.plateau.p99Ms} ms` : '–'}; CPU ${orDash(i.cpuPercent, '%')}`,
    ),
    `  database: primary CPU ${orDash(db.primaryCpuPercent, '%')}, replica CPU ${orDash(db.replicaCpuPercent, '%')}, access log ${orDash(db.accessLogRowsPerS, ' rows/s')}, replica lag worst ${orDash(db.replicaLagMaxMs, ' ms')}`,
    `  per scenario: ${t.capacity.map((c) => `${c.requiredRate}/s → ${c.instances ?? '–'} instances, primary ${c.primaryCores ?? '–'} cores`).join('; ')}`,
    `  bottleneck: ${t.bottleneck}`,
  ];
}

/** With --repeat: the median and range over the runs, printed and written beside them. */
async function reportRepeats(
  profile: LoadProfile,
  options: LoadtestOptions,
  outcomes: Outcome[],
): Promise<void> {
  const strip = ({ analysis: _analysis, ...rest }: Outcome) => rest;
  if (outcomes.length === 1) {
    if (options.json) printJson(strip(outcomes[0]!));
    return;
  }
  const repeat = summariseRepeats(outcomes.map((o) => o.analysis));
  const file = join(
    options.results,
    `${resultsFolderName(new Date(), profile.name)}-repeat${outcomes.length}.json`,
  );
  const value = {
    profile: profile.name,
    pass: outcomes.every((o) => o.pass),
    repeat,
    runs: outcomes.map(strip),
  };
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
  if (options.json) {
    printJson({ ...value, file });
    return;
  }
  const range = (r: { median: number; min: number; max: number } | null, unit: string) =>
    r ? `median ${r.median}${unit} (${r.min}–${r.max}${unit})` : '– (no valid run gave one)';
  process.stdout.write(
    [
      `${profile.name} × ${repeat.runs}: ${repeat.valid} valid`,
      ...repeat.verdicts.map((v, i) => `  run ${i + 1}: ${v}`),
      `  per-instance rate: ${range(repeat.basisRate, '/s')}`,
      `  sustained within SLOs: ${range(repeat.sustainedRate, '/s')}`,
      `  instances for the national peak: ${range(repeat.instances, '')}`,
      `  ${file}`,
      '',
    ].join('\n'),
  );
}

/**
 * Adds members generated inside PostgreSQL to the eligibility store until it holds
 * --scale-members qualifications, in slices (one statement each), then refreshes the planner's
 * statistics. Returns how many it generated.
 */
async function scaleEligibilityStore(
  handle: DatabaseHandle,
  options: LoadtestOptions,
  log: (l: string) => void,
): Promise<number> {
  const extra = Math.max(0, options.scaleMembers - options.members);
  if (extra === 0) return 0;
  const started = Date.now();
  const slice = 250_000;
  for (let from = 1; from <= extra; from += slice) {
    const to = Math.min(extra, from + slice - 1);
    await loadSyntheticQualifications(handle, { from, to, insurers: SCALE_INSURERS });
    log(
      `eligibility store: ${to.toLocaleString('en-US')} of ${extra.toLocaleString('en-US')} generated members`,
    );
  }
  await analyzeQualifications(handle);
  log(
    `eligibility store scaled to ${options.scaleMembers.toLocaleString('en-US')} qualifications in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  return extra;
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
  teardown: Teardown,
  log: (l: string) => void,
): Promise<StackProcess> {
  const adminUrl = databaseUrl ?? ((await postgresReachable()) ? LOCAL_POSTGRES : undefined);
  // One database per run (by port, or by process with --port 0), dropped afterwards.
  const databaseName = `shikaku_loadtest_${options.port || process.pid}`;
  // And a data dir of its own, removed afterwards: what a stack keeps there (credentials, the
  // person-ref secret) belongs to this run's fresh database, and a stack holds its dir while it
  // runs, so two load tests at once (two ports) must not share one.
  const dataDir = `${REPO_ROOT}.shikaku/loadtest-stack/${databaseName}`;
  let url: string | undefined;
  let creating: Promise<string> | undefined;
  // Filled in when the stack is spawned; the teardown registered before that reads it.
  const stackProcess: { child?: ChildProcess } = {};
  // Registered before the database exists: a Ctrl-C from here on stops the stack and drops it.
  const close = teardown.add(
    `the stack process${adminUrl ? ` and its database ${databaseName}` : ''}`,
    async () => {
      if (stackProcess.child) await stopChild(stackProcess.child);
      await rm(dataDir, { recursive: true, force: true });
      await creating?.catch(() => undefined);
      if (adminUrl) await dropDatabase(adminUrl, databaseName).catch(() => undefined);
    },
  );
  if (adminUrl) {
    creating = recreateDatabase(adminUrl, databaseName);
    url = await creating.catch(async (error: unknown) => {
      await close();
      throw error;
    });
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
    dataDir,
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
  // --cpu-prof: Node writes the profile when the stack exits (stopChild stops it gracefully).
  const nodeArgs = options.cpuProf
    ? ['--cpu-prof', `--cpu-prof-dir=${resolve(options.cpuProf)}`]
    : [];
  if (teardown.stopping) {
    await close();
    throw new CliError('INTERRUPTED', 'interrupted before the stack started');
  }
  // A process group of its own: a Ctrl-C at the terminal reaches the CLI alone, which stops the
  // stack once (a second signal would cut the stack's graceful stop, and --cpu-prof's profile).
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: childEnv,
    detached: true,
  });
  stackProcess.child = child;
  try {
    const started = await firstJsonLine(child, 300_000);
    const apps = (started.apps ?? {}) as Record<string, { url: string }>;
    const eligibility = apps['eligibility-api'];
    if (!eligibility)
      throw new CliError(
        'NO_ELIGIBILITY_API',
        'the stack has no eligibility-api yet: give --target',
      );
    log(
      `stack up: eligibility-api ${eligibility.url} (${String(started.database)}), data dir ${dataDir}, pid ${child.pid}`,
    );
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

/** The stack's description: the first line of its `--json` output that is not a log line. */
export function firstJsonLine(
  child: ChildProcess,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
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
    let read = false;
    child.stdout!.setEncoding('utf8');
    // Still drained after the description (a full pipe would stop the stack), but not kept.
    child.stdout!.on('data', (chunk: string) => {
      if (read) return;
      buffer += chunk;
      // The stack's log shares its stdout: a log line (pino's, with a level) before the
      // description is passed over; anything else is not a stack's output.
      for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        let value: Record<string, unknown>;
        try {
          value = JSON.parse(line) as Record<string, unknown>;
        } catch {
          read = true;
          clearTimeout(timer);
          fail(new CliError('STACK_FAILED', `unexpected stack output: ${line.slice(0, 200)}`));
          return;
        }
        if (typeof value.level === 'number' && !('apps' in value) && !('error' in value)) continue;
        read = true;
        clearTimeout(timer);
        if (value.error) fail(new CliError('STACK_FAILED', JSON.stringify(value.error)));
        else done(value);
        return;
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
