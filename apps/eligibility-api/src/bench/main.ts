// Benchmark: confirmation by insurance-card numbers (the spec search) on PostgreSQL with N members
// and the access log on, beside a bare Fastify hello-world measured in the same run.
//
//   createdb -h 127.0.0.1 -U postgres shikaku_bench_eligibility
//   node apps/eligibility-api/dist/bench/main.js \
//     --database-url postgres://postgres@127.0.0.1:5432/shikaku_bench_eligibility \
//     --members 10000000 --connections 50 --duration 10 --rounds 3 --instances 1
//
// Both servers stay up; each round measures the hello-world, then the confirmation, so a round's
// ratio compares windows seconds apart. The result gives the median of the rounds.
import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { type DatabaseHandle, openDatabase } from '@shikaku/db/database';
import { countAccessLog, syntheticMemberKey } from '@shikaku/db/eligibility/synthetic-load';
import { median, processStat } from '@shikaku/platform/bench-processes';
import { newSecret } from '@shikaku/platform/secrets';
import autocannon from 'autocannon';
import { BENCH_INSTITUTION, BENCH_INSURERS, prepareBenchDatabase } from './bench-database.js';

const USAGE = `Usage: node apps/eligibility-api/dist/bench/main.js --database-url URL [options]

Confirmation by insurance-card numbers (the spec search) against a bare Fastify hello-world, both
measured in each round, seconds apart. The database (one of its own: it is filled) holds --members
synthetic qualifications; an existing one is topped up only.

  --database-url URL   PostgreSQL database for the benchmark (required)
  --members N          qualifications in the store (default 10000000)
  --instances N        eligibility-api processes (node:cluster; default 1)
  --connections N      concurrent connections of the load generator (default 100)
  --duration S         seconds per window (default 20)
  --rounds N           hello-world + confirmation windows (default 3; the result gives medians)
  --pool-size N        PostgreSQL pool of each process (default 20)
  --floor              also measure the floors in each round: a bare node:http server answering
                       fixed bytes after nothing (http), after the card lookup (lookup), after
                       the lookup and the access log's commit (all), through the app's batchers
                       (floor-server.js): what any handler on this machine costs at least
  --cpu-prof DIR       CPU-profile the server processes into DIR
  --port, --hello-port, --floor-port, --seed
`;

const { values: args } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h', default: false },
    'database-url': { type: 'string' },
    members: { type: 'string', default: '10000000' },
    connections: { type: 'string', default: '100' },
    duration: { type: 'string', default: '20' },
    instances: { type: 'string', default: '1' },
    'pool-size': { type: 'string', default: '20' },
    port: { type: 'string', default: '8201' },
    'hello-port': { type: 'string', default: '8202' },
    'floor-port': { type: 'string', default: '8203' }, // and the two after it
    floor: { type: 'boolean', default: false },
    seed: { type: 'string', default: '42' },
    rounds: { type: 'string', default: '3' },
    'cpu-prof': { type: 'string' },
  },
});

if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const databaseUrl = args['database-url'];
if (!databaseUrl)
  throw new Error('--database-url is required (a database of its own: it is filled)');
const members = Number(args.members);
const connections = Number(args.connections);
const duration = Number(args.duration);
const instances = Number(args.instances);
const port = Number(args.port);
const helloPort = Number(args['hello-port']);
const floorPort = Number(args['floor-port']);
const rounds = Number(args.rounds);
const cores = os.availableParallelism();

const CLIENT = { clientId: 'bench-client', clientSecret: 'bench-secret-not-for-production' };

const log = (message: string, extra: object = {}) =>
  console.log(JSON.stringify({ at: new Date().toISOString(), message, ...extra }));

function start(
  script: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  execArgv: string[] = [],
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(script, import.meta.url), argv, {
      env,
      execArgv,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface Figures {
  /** Answers per second (for the confirmation: successful answers only, SegmentOfResult 1). */
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
  /** Answers by HTTP status. */
  statusCodes: Record<string, number>;
}

async function measure(options: autocannon.Options, ok?: () => number): Promise<Figures> {
  const result = await autocannon({ connections, duration, ...options });
  return {
    requestsPerSecond: Math.round(ok ? ok() / duration : result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]),
    ),
  };
}

/**
 * Spec searches answer message errors with HTTP 200 and SegmentOfResult 9, so a 2xx is not a
 * success: every answer is checked for SegmentOfResult 1 and the first other one is kept.
 */
let answers = { ok: 0, other: 0, firstOther: undefined as string | undefined };
const checkAnswer = (status: number, body: string) => {
  if (status === 200 && body.includes('"SegmentOfResult":"1"')) answers.ok += 1;
  else {
    answers.other += 1;
    answers.firstOther ??= `${status} ${body.slice(0, 300)}`;
  }
};

await prepareBenchDatabase({
  databaseUrl,
  members,
  client: CLIENT,
  institutionName: 'ベンチ医院',
  onProgress: ({ have, to }) => log('loaded', { have, to }),
});
const rng = (() => {
  let s = Number(args.seed) >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
})();

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * CPU seconds used so far (user + system, from /proc) by a process and its descendants, and by
 * this database's PostgreSQL backends (their title names the database). Linux only; elsewhere 0.
 */
const databaseName = new URL(databaseUrl).pathname.slice(1);
function processTable(): Array<{ pid: number; ppid: number; cpu: number; title: string }> {
  const rows = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  for (const entry of entries) {
    try {
      const { ppid, cpuSeconds: cpu } = processStat(Number(entry));
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      rows.push({ pid: Number(entry), ppid, cpu, title });
    } catch {
      // gone
    }
  }
  return rows;
}
/**
 * CPU seconds used so far by each process of a tree (a process and its descendants) and by each of
 * this database's PostgreSQL backends (their title names the database), by pid.
 */
function cpuSeconds(rootPids: number[]): {
  tree: Map<number, number>;
  postgres: Map<number, number>;
} {
  const table = processTable();
  const inTree = new Set(rootPids);
  for (let grew = true; grew;) {
    grew = false;
    for (const row of table)
      if (!inTree.has(row.pid) && inTree.has(row.ppid)) {
        inTree.add(row.pid);
        grew = true;
      }
  }
  const tree = new Map<number, number>();
  const postgres = new Map<number, number>();
  for (const row of table) {
    if (inTree.has(row.pid)) tree.set(row.pid, row.cpu);
    else if (row.title.startsWith('postgres: ') && row.title.includes(` ${databaseName} `))
      postgres.set(row.pid, row.cpu);
  }
  return { tree, postgres };
}
/**
 * CPU used between two readings by the processes alive at the second: a backend that exited in
 * between (a pool closing an idle connection) drops out of both sides instead of subtracting its
 * whole life's CPU.
 */
function cpuUsedSince(before: Map<number, number>, after: Map<number, number>): number {
  let used = 0;
  for (const [pid, cpu] of after) used += cpu - (before.get(pid) ?? 0);
  return used;
}
const ownCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

// The baseline (a bare Fastify hello-world, one process) and the eligibility API as deployed
// (server.js in `instances` processes on PostgreSQL) both run throughout; the rounds alternate
// between them, so each round's ratio compares windows seconds apart under the same machine load.
const hello = await start('./hello-server.js', [String(helloPort)], { ...process.env });
const serverEnv: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: databaseUrl,
  ELIGIBILITY_PORT: String(port),
  ELIGIBILITY_HOST: '127.0.0.1',
  ELIGIBILITY_DB_POOL: args['pool-size'],
  ELIGIBILITY_OUTBOX_POLL_MS: '0',
  LOG_LEVEL: 'warn',
  // Capacity, not shedding: the fixed in-flight bound (64) only; the adaptive limit would trade
  // confirmations for latency at 50 connections (the overload bench measures that trade).
  ELIGIBILITY_TARGET_LATENCY_MS: '0',
  // server.js refuses to start without its secrets; the benchmark never calls the internal API.
  SHIKAKU_SERVICE_KEY: newSecret(),
  ELIGIBILITY_TOKEN_SECRET: newSecret(),
};
const profiling = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [];
const server = await start('./cluster-server.js', [String(instances)], serverEnv, profiling);
const FLOOR_STEPS = ['http', 'lookup', 'all'] as const;
const floors = args.floor
  ? await Promise.all(
      FLOOR_STEPS.map(async (step, i) => ({
        step,
        port: floorPort + i,
        process: await start(
          './floor-server.js',
          [String(floorPort + i), step, databaseUrl, args['pool-size']],
          { ...process.env },
          profiling,
        ),
      })),
    )
  : [];
try {
  const login = await fetch(`http://127.0.0.1:${port}/oqs-api-pro/MSA12020/ILI12020SV01/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(CLIENT),
  });
  const idToken = ((await login.json()) as { result: { idToken: string } }).result.idToken;
  // A random member each (seeded); the body is one template (the values are digits and dates, with
  // nothing to escape), so the generator spends its CPU on sending and checking rather than on
  // JSON.stringify, beside the server it measures.
  const bodyFor = () => {
    const key = syntheticMemberKey(1 + Math.floor(rng() * members), BENCH_INSURERS);
    return `{"XmlMsg":{"MessageHeader":{"QualificationConfirmationDate":"20250601","MedicalInstitutionCode":"${BENCH_INSTITUTION}"},"MessageBody":{"QualificationConfirmSearchInfo":{"InsurerNumber":"${key.insurerNumber}","InsuredCardSymbol":"${key.symbol}","InsuredIdentificationNumber":"${key.number}","Birthdate":"${key.birthDate.replaceAll('-', '')}"}}}}`;
  };
  // Sanity: a random member is found (validity 1) before measuring.
  const probe = await fetch(`http://127.0.0.1:${port}/oqs-api-pro/MSA01030/ILI01030SV01/search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: idToken },
    body: bodyFor(),
  });
  const probeBody = (await probe.json()) as {
    XmlMsg: { MessageBody: { QualificationValidity: string } };
  };
  if (probeBody.XmlMsg.MessageBody.QualificationValidity !== '1')
    throw new Error(`probe did not find the member: ${JSON.stringify(probeBody)}`);

  // µs of CPU per answer: where an answer's cost goes, by process.
  const perAnswer = (seconds: number, perSecond: number) =>
    Math.round((seconds * 1e6) / Math.max(1, perSecond * duration));
  /** One window of searches against a server (the app or the floor), with its CPU by process. */
  const measureSearches = async (handle: DatabaseHandle, searchPort: number, pid: number) => {
    const cpuBefore = cpuSeconds([pid]);
    const generatorBefore = ownCpuSeconds();
    answers = { ok: 0, other: 0, firstOther: undefined };
    const logBefore = await countAccessLog(handle);
    const figures = await measure(
      {
        url: `http://127.0.0.1:${searchPort}`,
        requests: [
          {
            method: 'POST',
            path: '/oqs-api-pro/MSA01030/ILI01030SV01/search',
            headers: { 'content-type': 'application/json', authorization: idToken },
            setupRequest: (request) => ({ ...request, body: bodyFor() }),
            onResponse: checkAnswer,
          },
        ],
      },
      () => answers.ok,
    );
    const cpuAfter = cpuSeconds([pid]);
    const generator = ownCpuSeconds() - generatorBefore;
    return {
      figures,
      answers,
      // ≥ the successful answers: every answer was logged before it was sent (the rows past
      // them are requests still in flight when the window closed).
      logged: (await countAccessLog(handle)) - logBefore,
      cpuMicrosecondsPerAnswer: {
        server: perAnswer(cpuUsedSince(cpuBefore.tree, cpuAfter.tree), figures.requestsPerSecond),
        postgres: perAnswer(
          cpuUsedSince(cpuBefore.postgres, cpuAfter.postgres),
          figures.requestsPerSecond,
        ),
        generator: perAnswer(generator, figures.requestsPerSecond),
      },
    };
  };

  const handle = await openDatabase({ url: databaseUrl, poolSize: 1 });
  const results = [];
  /** Each round's floor windows by step (--floor). */
  const floorsByRound: Array<Map<string, Awaited<ReturnType<typeof measureSearches>>>> = [];
  for (let round = 1; round <= rounds; round++) {
    const helloCpuBefore = cpuSeconds([hello.pid!]).tree;
    const helloGeneratorBefore = ownCpuSeconds();
    const helloWorld = await measure({ url: `http://127.0.0.1:${helloPort}/` });
    const helloCpu = {
      server: cpuUsedSince(helloCpuBefore, cpuSeconds([hello.pid!]).tree),
      generator: ownCpuSeconds() - helloGeneratorBefore,
    };
    const loadBefore = os.loadavg()[0] ?? 0;
    const searches = await measureSearches(handle, port, server.pid!);
    const floorSearches: Array<{ step: string } & Awaited<ReturnType<typeof measureSearches>>> = [];
    for (const floor of floors)
      floorSearches.push({
        step: floor.step,
        ...(await measureSearches(handle, floor.port, floor.process.pid!)),
      });
    floorsByRound.push(new Map(floorSearches.map((f) => [f.step, f])));
    const { figures: confirmation, answers, logged } = searches;
    const cpuMicrosecondsPerAnswer = {
      helloWorld: {
        server: perAnswer(helloCpu.server, helloWorld.requestsPerSecond),
        generator: perAnswer(helloCpu.generator, helloWorld.requestsPerSecond),
      },
      confirmation: searches.cpuMicrosecondsPerAnswer,
      floors: Object.fromEntries(floorSearches.map((f) => [f.step, f.cpuMicrosecondsPerAnswer])),
    };
    const result = {
      round,
      confirmation,
      helloWorld,
      ratioToHelloWorld: round3(confirmation.requestsPerSecond / helloWorld.requestsPerSecond),
      answers,
      // ≥ the successful answers: every answer was logged before it was sent (the rows past
      // them are requests still in flight when the window closed).
      accessLogRowsWritten: logged,
      floors: Object.fromEntries(
        floorSearches.map((f) => [
          f.step,
          {
            answersPerSecond: f.figures.requestsPerSecond,
            p99: f.figures.p99,
            unsuccessful: f.answers.other,
          },
        ]),
      ),
      cpuMicrosecondsPerAnswer,
      // Server CPU per answer against the hello-world's in this round (windows seconds apart).
      cpuRatioToHelloWorld: round3(
        cpuMicrosecondsPerAnswer.helloWorld.server /
          Math.max(1, cpuMicrosecondsPerAnswer.confirmation.server),
      ),
      loadAverage: [round3(loadBefore), round3(os.loadavg()[0] ?? 0)],
    };
    log('round', result);
    results.push(result);
  }
  const helloWorldCpuByRound = results.map((r) => r.cpuMicrosecondsPerAnswer.helloWorld.server);
  const appCpuByRound = results.map((r) => r.cpuMicrosecondsPerAnswer.confirmation.server);
  const helloWorldServerCpu = median(helloWorldCpuByRound);
  const confirmationServerCpu = median(appCpuByRound);
  await handle.close();
  log('result', {
    members,
    instances,
    connections,
    poolSize: Number(args['pool-size']),
    durationSeconds: duration,
    rounds,
    cores,
    median: {
      confirmationsPerSecond: median(results.map((r) => r.confirmation.requestsPerSecond)),
      confirmationP99Ms: median(results.map((r) => r.confirmation.p99)),
      helloWorldPerSecond: median(results.map((r) => r.helloWorld.requestsPerSecond)),
      ratioToHelloWorld: median(results.map((r) => r.ratioToHelloWorld)),
      cpuMicrosecondsPerAnswer: {
        helloWorldServer: helloWorldServerCpu,
        confirmationServer: confirmationServerCpu,
        confirmationPostgres: median(
          results.map((r) => r.cpuMicrosecondsPerAnswer.confirmation.postgres),
        ),
      },
    },
    // The hello-world is one process: per process, the confirmation side is divided by instances.
    ratioToHelloWorldPerProcess: round3(
      median(results.map((r) => r.ratioToHelloWorld)) / Math.max(1, instances),
    ),
    // The same comparison by CPU time: a server process's CPU per answer against the hello-world's
    // per request. It is what one process would carry with a core of its own, whatever PostgreSQL
    // and the generator take of the same cores; the throughput ratio above is bounded by them on a
    // machine that has few. Like the throughput ratio, the median of the rounds' own ratios: the
    // hello-world's cost moves with the machine's state (here 22–37 µs from round to round), and
    // a round compares windows seconds apart.
    cpuRatioToHelloWorldPerProcess: round3(median(results.map((r) => r.cpuRatioToHelloWorld))),
    cpuRatioToHelloWorldRange: [
      Math.min(...results.map((r) => r.cpuRatioToHelloWorld)),
      Math.max(...results.map((r) => r.cpuRatioToHelloWorld)),
    ],
    // The floors (--floor): the same I/O with less and less on the path. The `all` floor's CPU
    // ratio bounds what any handler making the two round trips could reach on this machine; the
    // app's CPU over that floor's says how much of the gap is the app's own code.
    floors: Object.fromEntries(
      floors.map(({ step }) => {
        const windows = floorsByRound.flatMap((r) => r.get(step) ?? []);
        const floorCpu = windows.map((w) => Math.max(1, w.cpuMicrosecondsPerAnswer.server));
        // By round, as above: the hello-world's CPU and the app's against this floor's.
        return [
          step,
          {
            answersPerSecond: median(windows.map((w) => w.figures.requestsPerSecond)),
            serverCpuMicrosecondsPerAnswer: median(
              windows.map((w) => w.cpuMicrosecondsPerAnswer.server),
            ),
            cpuRatioToHelloWorld: round3(
              median(floorCpu.map((cpu, i) => (helloWorldCpuByRound[i] ?? 0) / cpu)),
            ),
            appCpuOverFloor: median(
              floorCpu.map((cpu, i) => round3((appCpuByRound[i] ?? 0) / cpu)),
            ),
            unsuccessfulAnswers: windows.reduce((n, w) => n + w.answers.other, 0),
          },
        ];
      }),
    ),
    unsuccessfulAnswers: results.reduce((n, r) => n + r.answers.other, 0),
    ...(instances + 1 >= cores
      ? {
          oversubscribed: `${instances} server process(es), PostgreSQL and the load generator share ${cores} cores: a process added here adds no CPU, only splits the searches each process coalesces into one statement; measure instances > 1 where the cores exceed instances + 1`,
        }
      : {}),
    target: { ratioToHelloWorldPerProcess: 0.25, p99Ms: 50 },
  });
} finally {
  for (const floor of floors) await stop(floor.process);
  await stop(server);
  await stop(hello);
}
