// Overload benchmark: one eligibility-api process (server.js on PostgreSQL), loopback only.
// 1. saturation: closed-loop spec searches (autocannon) with shedding off → S requests/s;
// 2. the same process offered 3 × S (open model, latency from each request's scheduled time),
//    once with shedding off and once with the default bounds (ELIGIBILITY_MAX_*), each process
//    fresh: p99 of admitted (200) requests against the SLO, the shed share, /health latency during
//    the burst, the process RSS before / at peak / after the burst;
// 3. a 4.8 MB nested XML document to the spec search: how fast and with which code it is refused.
//
//   createdb -h 127.0.0.1 -U postgres shikaku_bench_overload
//   node apps/eligibility-api/dist/bench/overload.js \
//     --database-url postgres://postgres@127.0.0.1:5432/shikaku_bench_overload
//
// Bounded: --members (default 100,000), --seconds per burst (default 6), at most 30 s of drain.
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { syntheticMemberKey } from '@shikaku/db/eligibility/synthetic-load';
import { newSecret } from '@shikaku/platform/secrets';
import autocannon from 'autocannon';
import { BENCH_INSTITUTION, BENCH_INSURERS, prepareBenchDatabase } from './bench-database.js';
import { DEFAULT_CONFIG } from '../config.js';

const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    members: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '6' },
    factor: { type: 'string', default: '3' },
    'slo-ms': { type: 'string', default: '50' },
    'max-in-flight': { type: 'string' },
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
const SEARCH = '/oqs-api-pro/MSA01030/ILI01030SV01/search';
const CLIENT = { clientId: 'overload-client', clientSecret: 'overload-secret-not-for-production' };
const secrets = { SHIKAKU_SERVICE_KEY: newSecret(), ELIGIBILITY_TOKEN_SECRET: newSecret() };

const print = (line: string) => console.log(line);
const round = (n: number) => Math.round(n * 10) / 10;
const mib = (bytes: number) => Math.round(bytes / 1048576);

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

interface Server {
  child: ChildProcess;
  token: string;
}

async function startServer(shedding: boolean): Promise<Server> {
  const bounds = shedding
    ? {
        ELIGIBILITY_MAX_IN_FLIGHT:
          args['max-in-flight'] ?? String(DEFAULT_CONFIG.loadShedding.maxInFlight),
      }
    : {
        ELIGIBILITY_MAX_IN_FLIGHT: '0',
        ELIGIBILITY_MAX_DB_WAITING: '0',
        ELIGIBILITY_MAX_EVENT_LOOP_DELAY_MS: '0',
      };
  const child = fork(new URL('../server.js', import.meta.url), [], {
    env: {
      ...secrets,
      ...bounds,
      DATABASE_URL: databaseUrl,
      ELIGIBILITY_HOST: '127.0.0.1',
      ELIGIBILITY_PORT: String(port),
      ELIGIBILITY_OUTBOX_POLL_MS: '0',
      ELIGIBILITY_DOCS: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  for (let i = 0; i < 200; i += 1) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await sleep(100);
  }
  const login = await fetch(`http://127.0.0.1:${port}/oqs-api-pro/MSA12020/ILI12020SV01/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(CLIENT),
  });
  const token = ((await login.json()) as { result: { idToken: string } }).result.idToken;
  return { child, token };
}

function stopServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

/** Resident set size of a process in bytes (Linux). */
function rss(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

interface Outcome {
  status: number; // 0: connection error or no answer within the drain limit
  /** From the moment the request was written (the server's queue and work, not ours). */
  ms: number;
  /** How late the generator wrote it against its schedule (the generator's own lag). */
  lateMs: number;
  retryAfter: boolean;
}

/**
 * Offers `rate` searches a second for `seconds` (open model: sends do not wait for answers).
 * Latency counts from the write; how late each write was against its schedule is kept apart, so
 * a generator starved of CPU shows as its own figure instead of as server latency.
 */
async function offer(server: Server, rate: number, seconds: number): Promise<Outcome[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const total = Math.round(rate * seconds);
  const outcomes: Outcome[] = [];
  const pending = new Set<Promise<void>>();
  const send = (scheduled: number) => {
    const body = searchBody();
    let sent = 0;
    const done = new Promise<void>((resolve) => {
      const request = http.request(
        {
          agent,
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: SEARCH,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: server.token,
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            outcomes.push({
              status: response.statusCode ?? 0,
              ms: performance.now() - sent,
              lateMs: sent - scheduled,
              retryAfter: response.headers['retry-after'] !== undefined,
            });
            resolve();
          });
        },
      );
      request.on('error', () => {
        outcomes.push({
          status: 0,
          ms: performance.now() - sent,
          lateMs: sent - scheduled,
          retryAfter: false,
        });
        resolve();
      });
      request.end(body);
      sent = performance.now();
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  };
  const start = performance.now();
  let issued = 0;
  while (issued < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; issued < due; issued += 1) send(start + (issued * 1000) / rate);
    await sleep(2);
  }
  await Promise.race([Promise.all(pending), sleep(30_000)]);
  const unanswered = total - outcomes.length;
  for (let i = 0; i < unanswered; i += 1)
    outcomes.push({ status: 0, ms: 30_000, lateMs: 0, retryAfter: false });
  agent.destroy();
  return outcomes;
}

async function saturation(server: Server): Promise<number> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 64,
    duration: 6,
    requests: [
      {
        method: 'POST',
        path: SEARCH,
        headers: { 'content-type': 'application/json', authorization: server.token },
        setupRequest: (request) => ({ ...request, body: searchBody() }),
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`saturation run had ${result.non2xx} non-2xx and ${result.errors} errors`);
  return Math.round(result.requests.average);
}

interface BurstFigures {
  offered: number;
  admitted: number;
  shed: number;
  failed: number;
  shedWithRetryAfter: number;
  admittedP50: number;
  admittedP99: number;
  shedP99: number;
  healthP50: number;
  healthP99: number;
  healthMax: number;
  rssBaseline: number;
  rssPeak: number;
  rssAfter: number;
  generatorLateP99: number;
  shedBy: string;
}

async function burst(shedding: boolean, rate: number): Promise<BurstFigures> {
  const server = await startServer(shedding);
  const pid = server.child.pid!;
  try {
    await offer(server, Math.max(1, Math.round(rate / 6)), 2); // warm-up at half the saturation rate
    await sleep(1000);
    const rssBaseline = rss(pid);
    let rssPeak = rssBaseline;
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
        rssPeak = Math.max(rssPeak, rss(pid));
        await sleep(50);
      }
      agent.destroy();
    })();
    const outcomes = await offer(server, rate, burstSeconds);
    running = false;
    await healthLoop;
    const ready = await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.json());
    const shedBy = JSON.stringify((ready as { shed?: unknown }).shed ?? {});
    await sleep(5000); // settle
    const rssAfter = rss(pid);
    const admitted = outcomes
      .filter((o) => o.status === 200)
      .map((o) => o.ms)
      .sort((a, b) => a - b);
    const shed = outcomes.filter((o) => o.status === 503);
    const healthSorted = health.sort((a, b) => a - b);
    return {
      offered: outcomes.length,
      admitted: admitted.length,
      shed: shed.length,
      failed: outcomes.length - admitted.length - shed.length,
      shedWithRetryAfter: shed.filter((o) => o.retryAfter).length,
      admittedP50: round(percentile(admitted, 50)),
      admittedP99: round(percentile(admitted, 99)),
      shedP99: round(
        percentile(
          shed.map((o) => o.ms).sort((a, b) => a - b),
          99,
        ),
      ),
      healthP50: round(percentile(healthSorted, 50)),
      healthP99: round(percentile(healthSorted, 99)),
      healthMax: round(healthSorted.at(-1) ?? NaN),
      rssBaseline,
      rssPeak,
      rssAfter,
      generatorLateP99: round(
        percentile(
          outcomes.map((o) => o.lateMs).sort((a, b) => a - b),
          99,
        ),
      ),
      shedBy,
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
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
print(
  `machine: ${(await import('node:os')).cpus().length} cores, load average ${load}; ${members} members`,
);
const plain = await startServer(false);
const saturated = await saturation(plain).finally(() => stopServer(plain));
const offered = Math.round(saturated * factor);
print(`saturation (closed loop, 64 connections, 6 s, shedding off): ${saturated}/s`);
print(
  `offered: ${offered}/s (${factor} × saturation) for ${burstSeconds} s, open model; SLO: p99 of admitted ≤ ${sloMs} ms`,
);
const rows: Array<[string, BurstFigures]> = [
  ['shedding off', await burst(false, offered)],
  [
    `shedding on (max in flight ${args['max-in-flight'] ?? DEFAULT_CONFIG.loadShedding.maxInFlight})`,
    await burst(true, offered),
  ],
];
for (const [name, f] of rows) {
  print(
    `${name}: admitted ${f.admitted}/${f.offered} (p50 ${f.admittedP50} ms, p99 ${f.admittedP99} ms: ${
      f.admittedP99 <= sloMs ? 'within' : 'OUTSIDE'
    } the SLO), shed ${f.shed} (${round((100 * f.shed) / f.offered)}%, ${f.shedWithRetryAfter} with Retry-After, p99 ${f.shedP99} ms), failed ${f.failed}; by ${f.shedBy}; generator late p99 ${f.generatorLateP99} ms; /health p50 ${f.healthP50} ms, p99 ${f.healthP99} ms, max ${f.healthMax} ms; RSS ${mib(f.rssBaseline)} → peak ${mib(f.rssPeak)} → ${mib(f.rssAfter)} MiB 5 s after (${
      f.rssAfter <= f.rssBaseline * 1.2
        ? 'back within 20% of the baseline'
        : 'NOT back to the baseline'
    })`,
  );
}
const xml = await nestedXml();
print(
  `4.8 MB nested XML to the spec search: HTTP ${xml.status} ${xml.code ?? '(no ErrorCode)'} in ${xml.ms} ms`,
);
