// Overload benchmark: one eligibility-api process (server.js on PostgreSQL), loopback only.
// 1. saturation S: closed-loop spec searches with shedding off (64 sockets, 6 s);
// 2. 3 × S offered open-model for 6 s to a fresh process with shedding off, then to one with the
//    default bounds: p99 of admitted (200) answers against the SLO, the shed share and its cost,
//    /health latency during the burst, RSS and V8 heap before, at peak and after the burst;
// 3. a 4.8 MB nested XML document to the spec search: how fast and with which code it is refused.
//
// The load generator is a process of its own (load-generator.ts: raw sockets, pre-built requests).
// Where `taskset` exists and there are ≥ 2 cores, the server gets the last core and the generator
// (with this harness and this database's PostgreSQL backends) the others.
//
//   createdb -h 127.0.0.1 -U postgres shikaku_bench_overload
//   node apps/eligibility-api/dist/bench/overload.js \
//     --database-url postgres://postgres@127.0.0.1:5432/shikaku_bench_overload
//
// Bounded: --members (default 100,000), --seconds per burst (default 6), 10 s of drain, 20 s of
// settling after each burst; about 90 s in all.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { syntheticMemberKey } from '@shikaku/db/eligibility/synthetic-load';
import { newSecret } from '@shikaku/platform/secrets';
import { BENCH_INSTITUTION, BENCH_INSURERS, prepareBenchDatabase } from './bench-database.js';
import type { GeneratorJob, GeneratorResult } from './load-generator.js';
import { DEFAULT_CONFIG, PROCESS_MAX_CONNECTIONS, PROCESS_TARGET_LATENCY_MS } from '../config.js';

const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    members: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '6' },
    factor: { type: 'string', default: '3' },
    'slo-ms': { type: 'string', default: '50' },
    /** Shedding-on bounds; default: the app's defaults (ELIGIBILITY_MAX_*). */
    'max-in-flight': { type: 'string' },
    'max-event-loop-delay-ms': { type: 'string' },
    'max-db-waiting': { type: 'string' },
    'max-connections': { type: 'string' },
    'target-latency-ms': { type: 'string' },
    /** 0: refusals keep the connection open (ELIGIBILITY_SHED_CLOSE). */
    'shed-close': { type: 'string' },
    /** The most sockets the open-model generator opens. */
    'generator-connections': { type: 'string', default: '1000' },
    /** Sockets the generator connects before the burst (keep-alive clients already there). */
    preconnect: { type: 'string', default: '256' },
    /** Skip the shedding-off burst (tuning runs). */
    'only-shedding': { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false },
    /** Niceness of the server, the generator and this database's PostgreSQL backends (root). */
    nice: { type: 'string', default: '-10' },
    'settle-seconds': { type: 'string', default: '20' },
    port: { type: 'string', default: '8211' },
    seed: { type: 'string', default: '42' },
  },
});
const databaseUrl = args['database-url'];
if (!databaseUrl)
  throw new Error('--database-url is required (a database of its own: it is filled)');
const members = Number(args.members);
const burstSeconds = Number(args.seconds);
const factor = Number(args.factor);
const sloMs = Number(args['slo-ms']);
const port = Number(args.port);
const settleSeconds = Number(args['settle-seconds']);
const SEARCH = '/oqs-api-pro/MSA01030/ILI01030SV01/search';
const CLIENT = { clientId: 'overload-client', clientSecret: 'overload-secret-not-for-production' };
const secrets = { SHIKAKU_SERVICE_KEY: newSecret(), ELIGIBILITY_TOKEN_SECRET: newSecret() };

const print = (line: string) => console.log(line);
const round = (n: number) => Math.round(n * 10) / 10;
const mib = (bytes: number) => Math.round(bytes / 1048576);
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

// CPU placement: the server on the last core, the generator and this harness on the others.
const cores = os.cpus().length;
const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const pin = !args['no-pin'] && hasTaskset && cores >= 2;
const serverCpus = String(cores - 1);
const generatorCpus = cores === 2 ? '0' : `0-${cores - 2}`;
if (pin) execFileSync('taskset', ['-a', '-p', '-c', generatorCpus, String(process.pid)]);
// On a machine shared with other work, a raised priority for the processes of the measured path
// (the server, the generator, this database's PostgreSQL backends) stands in for cores of their
// own; only root may raise it, and where it cannot the run says so.
const niceness = Number(args.nice);
const canRenice = (() => {
  if (niceness === 0) return false;
  try {
    os.setPriority(process.pid, niceness);
  } catch {
    return false;
  }
  // With the kernel's autogroup scheduling a process's niceness counts only inside its session;
  // the session's own (this run's processes alone) is set too.
  try {
    const own = /nice (-?\d+)/.exec(readFileSync('/proc/self/autogroup', 'utf8'))?.[1] ?? '0';
    writeFileSync('/proc/self/autogroup', String(niceness));
    process.on('exit', () => writeFileSync('/proc/self/autogroup', own));
  } catch {
    // no autogroup
  }
  return true;
})();
/**
 * Raises the priority of this database's PostgreSQL backends (their process title names it) and,
 * under autogroup scheduling, of PostgreSQL's session group, which is put back at exit.
 */
const autogroupsToRestore = new Map<string, string>();
process.on('exit', () => {
  for (const [path, nice] of autogroupsToRestore) {
    try {
      writeFileSync(path, nice);
    } catch {
      // gone
    }
  }
});
function reniceBackends(database: string): number {
  if (!canRenice) return 0;
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!title.startsWith('postgres: ') || !title.includes(` ${database} `)) continue;
      os.setPriority(Number(entry), niceness);
      // Off the server's core: the generator's cores (PostgreSQL's other processes stay put).
      if (pin) execFileSync('taskset', ['-p', '-c', generatorCpus, entry], { stdio: 'ignore' });
      count += 1;
      // The group is the postmaster's (backends are its children): set and restored through it.
      const parent = /PPid:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      const path = `/proc/${parent}/autogroup`;
      if (parent && !autogroupsToRestore.has(path)) {
        const current = /nice (-?\d+)/.exec(readFileSync(path, 'utf8'))?.[1] ?? '0';
        autogroupsToRestore.set(path, current);
        writeFileSync(path, String(niceness));
      }
    } catch {
      // gone, or not ours to change
    }
  }
  return count;
}
const databaseName = new URL(databaseUrl).pathname.slice(1);

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Spawns `node script` (pinned to `cpus` when pinning) with an IPC channel. */
function spawnNode(script: URL, cpus: string, env: NodeJS.ProcessEnv): ChildProcess {
  const node = [process.execPath, script.pathname];
  const [command, ...rest] = pin ? ['taskset', '-c', cpus, ...node] : node;
  const child = spawn(command!, rest, { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

let state = Number(args.seed) >>> 0;
const random = () => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state / 4294967296;
};
const searchBody = () => {
  const key = syntheticMemberKey(1 + Math.floor(random() * members), BENCH_INSURERS);
  return JSON.stringify({
    XmlMsg: {
      MessageHeader: {
        QualificationConfirmationDate: '20250601',
        MedicalInstitutionCode: BENCH_INSTITUTION,
      },
      MessageBody: {
        QualificationConfirmSearchInfo: {
          InsurerNumber: key.insurerNumber,
          InsuredCardSymbol: key.symbol,
          InsuredIdentificationNumber: key.number,
          Birthdate: key.birthDate.replaceAll('-', ''),
        },
      },
    },
  });
};
/** Whole HTTP requests for the generator: 4,096 random members, sent in turn. */
const searchRequests = (token: string) =>
  Array.from({ length: 4096 }, () => {
    const body = searchBody();
    return (
      `POST ${SEARCH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
      `Authorization: ${token}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
    );
  });

interface Server {
  child: ChildProcess;
  token: string;
}

function sheddingEnv(shedding: boolean): NodeJS.ProcessEnv {
  if (!shedding)
    return {
      ELIGIBILITY_MAX_IN_FLIGHT: '0',
      ELIGIBILITY_MAX_DB_WAITING: '0',
      ELIGIBILITY_MAX_EVENT_LOOP_DELAY_MS: '0',
      ELIGIBILITY_MAX_CONNECTIONS: '0',
    };
  const env: NodeJS.ProcessEnv = {};
  if (args['max-in-flight']) env.ELIGIBILITY_MAX_IN_FLIGHT = args['max-in-flight'];
  if (args['max-event-loop-delay-ms'])
    env.ELIGIBILITY_MAX_EVENT_LOOP_DELAY_MS = args['max-event-loop-delay-ms'];
  if (args['max-db-waiting']) env.ELIGIBILITY_MAX_DB_WAITING = args['max-db-waiting'];
  if (args['max-connections']) env.ELIGIBILITY_MAX_CONNECTIONS = args['max-connections'];
  if (args['shed-close']) env.ELIGIBILITY_SHED_CLOSE = args['shed-close'];
  if (args['target-latency-ms']) env.ELIGIBILITY_TARGET_LATENCY_MS = args['target-latency-ms'];
  return env;
}

async function startServer(shedding: boolean): Promise<Server> {
  const child = spawnNode(new URL('../server.js', import.meta.url), serverCpus, {
    ...secrets,
    ...sheddingEnv(shedding),
    DATABASE_URL: databaseUrl,
    ELIGIBILITY_HOST: '127.0.0.1',
    ELIGIBILITY_PORT: String(port),
    ELIGIBILITY_OUTBOX_POLL_MS: '0',
    ELIGIBILITY_DOCS: '0',
    LOG_LEVEL: 'warn',
  });
  for (let i = 0; i < 200; i += 1) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await sleep(100);
  }
  // A process that is still compiling may shed its first requests (event-loop delay): retry.
  for (let i = 0; ; i += 1) {
    const login = await fetch(`http://127.0.0.1:${port}/oqs-api-pro/MSA12020/ILI12020SV01/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(CLIENT),
    });
    const body = (await login.json()) as { result?: { idToken: string } };
    if (body.result) return { child, token: body.result.idToken };
    if (i === 50) throw new Error(`login failed: HTTP ${login.status} ${JSON.stringify(body)}`);
    await sleep(200);
  }
}

function stopServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

/** Runs one job in a generator process of its own and returns its figures. */
function runGenerator(job: Omit<GeneratorJob, 'port' | 'drainMs'>): Promise<GeneratorResult> {
  const child = spawnNode(new URL('./load-generator.js', import.meta.url), generatorCpus, {});
  return new Promise((resolve, reject) => {
    child.once('message', (result) => resolve(result as GeneratorResult));
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
    });
    child.send({ ...job, port, drainMs: 10_000 } satisfies GeneratorJob);
  });
}

/** Resident set size of a process in bytes (Linux). */
function rss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

interface Snapshot {
  inFlight: number;
  limit?: number;
  shed?: Record<string, number>;
  shedPreSerialised?: number;
  memory: { rss: number; heapUsed: number; heapTotal: number; heapYoung: number; heapCode: number };
}
/** The server's /ready snapshot (retried while it answers 503: still shedding). */
async function readiness(): Promise<Snapshot> {
  for (let i = 0; ; i += 1) {
    const response = await fetch(`http://127.0.0.1:${port}/ready`);
    const body = (await response.json()) as Snapshot;
    if (response.ok || i === 100) return body;
    await sleep(100);
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

interface BurstFigures {
  generator: GeneratorResult;
  healthP50: number;
  healthP99: number;
  healthMax: number;
  /** RSS (from /proc) and heapUsed (from /ready) of the server, bytes. */
  before: { rss: number; heapUsed: number };
  peakRss: number;
  after5: { rss: number; heapUsed: number };
  afterSettled: { rss: number; heapUsed: number; heapYoung: number; heapCode: number };
  beforeSpaces: { heapYoung: number; heapCode: number };
  shedBy: string;
  shedPreSerialised: number;
  serverCpuShare: number;
  /** PostgreSQL backends of the run's database given the raised priority. */
  reniced: number;
}

/** CPU seconds a process has used (utime + stime from /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function burst(shedding: boolean, rate: number): Promise<BurstFigures> {
  const server = await startServer(shedding);
  const pid = server.child.pid!;
  try {
    const requests = searchRequests(server.token);
    // Warm-up at a third of the saturation rate (JIT, prepared statements, pool).
    await runGenerator({
      mode: 'open',
      requests,
      rate: Math.max(1, Math.round(rate / 9)),
      seconds: 2,
      connections: 200,
    });
    const reniced = reniceBackends(databaseName);
    await sleep(2000);
    const ready = await readiness();
    const before = { rss: rss(pid), heapUsed: ready.memory.heapUsed };
    let peakRss = before.rss;
    let running = true;
    const health: number[] = [];
    const healthLoop = (async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      while (running) {
        const sent = performance.now();
        await new Promise<void>((resolve) => {
          http
            .get({ agent, host: '127.0.0.1', port, path: '/health' }, (response) => {
              response.resume();
              response.on('end', () => resolve());
            })
            .on('error', () => resolve());
        });
        health.push(performance.now() - sent);
        peakRss = Math.max(peakRss, rss(pid));
        await sleep(50);
      }
      agent.destroy();
    })();
    const cpuBefore = cpuSeconds(pid);
    const started = performance.now();
    const generator = await runGenerator({
      mode: 'open',
      requests,
      rate,
      seconds: burstSeconds,
      connections: Number(args['generator-connections']),
      preconnect: Number(args.preconnect),
    });
    const serverCpuShare = round(
      (cpuSeconds(pid) - cpuBefore) / ((performance.now() - started) / 1000),
    );
    running = false;
    await healthLoop;
    const afterBurst = await readiness();
    await sleep(5000);
    const after5 = { rss: rss(pid), heapUsed: (await readiness()).memory.heapUsed };
    await sleep(Math.max(0, settleSeconds - 5) * 1000);
    const settled = (await readiness()).memory;
    const afterSettled = { ...settled, rss: rss(pid) };
    const healthSorted = health.sort((a, b) => a - b);
    return {
      generator,
      healthP50: round(percentile(healthSorted, 50)),
      healthP99: round(percentile(healthSorted, 99)),
      healthMax: round(healthSorted.at(-1) ?? NaN),
      before,
      beforeSpaces: { heapYoung: ready.memory.heapYoung, heapCode: ready.memory.heapCode },
      peakRss,
      after5,
      afterSettled,
      shedBy: `${JSON.stringify(afterBurst.shed ?? {})}, in-flight limit after ${afterBurst.limit}`,
      shedPreSerialised: afterBurst.shedPreSerialised ?? 0,
      serverCpuShare,
      reniced,
    };
  } finally {
    await stopServer(server);
  }
}

async function nestedXml(): Promise<{ ms: number; status: number; code: string | undefined }> {
  const server = await startServer(true);
  try {
    const depth = 200_000; // <a> is 3 bytes, </a> 4: 4.8 MB of nesting
    const xml = `<XmlMsg>${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}</XmlMsg>`;
    const sent = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}${SEARCH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', authorization: server.token },
      body: xml,
    });
    const text = await response.text();
    return {
      ms: round(performance.now() - sent),
      status: response.status,
      code: /<ErrorCode>([^<]+)<\/ErrorCode>/.exec(text)?.[1],
    };
  } finally {
    await stopServer(server);
  }
}

await prepareBenchDatabase({
  databaseUrl,
  members,
  client: CLIENT,
  institutionName: '過負荷医院',
});
print(
  `machine: ${cores} cores, load average ${loadAverage()}; ${members} members; ${
    pin
      ? `server pinned to CPU ${serverCpus}; generator, harness and the database's PostgreSQL backends to CPU ${generatorCpus} (taskset)`
      : 'no pinning (taskset missing, one core or --no-pin)'
  }; ${
    canRenice
      ? `server, generator and the database's PostgreSQL backends at nice ${niceness}`
      : 'priorities as they are'
  }`,
);
const plain = await startServer(false);
const closedLoop = (seconds: number) =>
  runGenerator({
    mode: 'closed',
    requests: searchRequests(plain.token),
    rate: 0,
    seconds,
    connections: 64,
  });
const saturation = await closedLoop(2) // warm-up; then the pool's backends exist to renice
  .then(() => reniceBackends(databaseName))
  .then(() => closedLoop(6))
  .finally(() => stopServer(plain));
const saturated = saturation.answeredPerSecond;
if (Object.keys(saturation.byStatus).some((code) => code !== '200'))
  throw new Error(`saturation run answered ${JSON.stringify(saturation.byStatus)}`);
const offered = Math.round(saturated * factor);
print(
  `saturation (closed loop, 64 sockets, 6 s, shedding off): ${saturated}/s (p99 ${saturation.ok.p99} ms; generator ${saturation.cpuShare} of a core)`,
);
const bounds = {
  ...DEFAULT_CONFIG.loadShedding,
  ...(args['max-in-flight'] ? { maxInFlight: Number(args['max-in-flight']) } : {}),
  ...(args['max-event-loop-delay-ms']
    ? { maxEventLoopDelayMs: Number(args['max-event-loop-delay-ms']) }
    : {}),
  ...(args['max-db-waiting'] ? { maxDbWaiting: Number(args['max-db-waiting']) } : {}),
  ...(args['shed-close'] ? { closeOnRefusal: args['shed-close'] !== '0' } : {}),
  targetLatencyMs: Number(args['target-latency-ms'] ?? PROCESS_TARGET_LATENCY_MS),
  maxConnections: Number(args['max-connections'] ?? PROCESS_MAX_CONNECTIONS),
};
print(
  `offered: ${offered}/s (${factor} × saturation) for ${burstSeconds} s, open model (at most ${args['generator-connections']} sockets); SLO: p99 of admitted ≤ ${sloMs} ms; bounds when on: ${JSON.stringify(bounds)}`,
);
const rows: Array<[string, BurstFigures]> = [];
if (!args['only-shedding']) rows.push(['shedding off', await burst(false, offered)]);
rows.push(['shedding on', await burst(true, offered)]);
for (const [name, f] of rows) {
  const g = f.generator;
  const admitted = g.byStatus['200'] ?? 0;
  const shed = g.byStatus['503'] ?? 0;
  const within = (a: number, b: number) => a <= b * 1.2;
  print(
    `${name}: admitted ${admitted}/${g.sent} (${round((100 * admitted) / g.sent)}%; p50 ${g.ok.p50} ms, p99 ${g.ok.p99} ms: ${
      g.ok.p99 <= sloMs ? 'within' : 'OUTSIDE'
    } the SLO; max ${g.ok.max} ms; p99 from schedule ${g.okFromSchedule.p99} ms; after the first second: ${g.okAfterFirstSecond.count} admitted, p50 ${g.okAfterFirstSecond.p50} ms, p99 ${g.okAfterFirstSecond.p99} ms, ${g.okAfterFirstSecond.p99 <= sloMs ? 'within' : 'OUTSIDE'} the SLO), shed ${shed} (${round((100 * shed) / g.sent)}%, ${g.shedWithRetryAfter} with Retry-After, ${g.shedWithClose} with Connection: close, p50 ${g.shed.p50} ms, p99 ${g.shed.p99} ms; before routing ${f.shedPreSerialised}; by ${f.shedBy}), statuses ${JSON.stringify(g.byStatus)}, closed unanswered (connection cap) ${g.byStatus['0'] ?? 0} (p99 ${g.dropped.p99} ms), sockets opened ${g.socketsOpened}; answered ${g.answeredPerSecond}/s; CPU: server ${f.serverCpuShare}, generator ${g.cpuShare} of a core; generator late p99 ${g.lateP99} ms; /health p50 ${f.healthP50} ms, p99 ${f.healthP99} ms, max ${f.healthMax} ms; PostgreSQL backends reniced ${f.reniced}`,
  );
  print(
    `${name} admitted per half second (count/p99 ms): ${g.okByHalfSecond.map((b) => `${b.count}/${b.p99}`).join(' ')}`,
  );
  print(
    `${name} memory: RSS ${mib(f.before.rss)} → peak ${mib(f.peakRss)} → ${mib(f.after5.rss)} (5 s) → ${mib(f.afterSettled.rss)} MiB (${settleSeconds} s, ${
      within(f.afterSettled.rss, f.before.rss) ? 'within 20% of the baseline' : 'NOT within 20%'
    }); young generation ${mib(f.beforeSpaces.heapYoung)} → ${mib(f.afterSettled.heapYoung)} MiB, compiled code ${mib(f.beforeSpaces.heapCode)} → ${mib(f.afterSettled.heapCode)} MiB; heapUsed ${mib(f.before.heapUsed)} → ${mib(f.after5.heapUsed)} (5 s) → ${mib(f.afterSettled.heapUsed)} MiB (${settleSeconds} s, ${
      within(f.afterSettled.heapUsed, f.before.heapUsed)
        ? 'within 20% of the baseline'
        : 'NOT within 20%'
    })`,
  );
}
const xml = await nestedXml();
print(
  `4.8 MB nested XML to the spec search: HTTP ${xml.status} ${xml.code ?? '(no ErrorCode)'} in ${xml.ms} ms`,
);
print(`load average at the end: ${loadAverage()}`);
