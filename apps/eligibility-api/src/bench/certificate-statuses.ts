// Benchmark: CPU per J-LIS certificate status check, on both sides of the exchange, for one or
// more builds of eligibility-api's upstream client side by side (issue 19):
//
//   createdb -h 127.0.0.1 -U postgres shikaku_bench_statuses
//   node apps/eligibility-api/dist/bench/certificate-statuses.js \
//     --database-url postgres://postgres@127.0.0.1:5432/shikaku_bench_statuses \
//     --client single=/tmp/before/apps/eligibility-api/dist/upstream.js \
//     --client batched=apps/eligibility-api/dist/upstream.js --rounds 7
//
// Each client gets a jlis process of its own (this checkout's apps/jlis/dist/server.js, which
// serves both the one-serial GET and the batch POST) and a driver process that imports the client
// and calls `httpUpstreams().certificateStatus(serial)` at a fixed rate, each call on its own (open
// loop, as confirmations arrive), for random serials of the seeded certificates. A process's CPU
// is its user + system time from /proc (Linux only) over the checks it completed; the driver's
// includes its own schedule loop, the same for every client. Each round measures the clients one
// after another, in alternating order; the result gives each one's median over the rounds.
import { type ChildProcess, fork } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openDatabase } from '@shikaku/db/database';
import { upsertCertificates, upsertResidents } from '@shikaku/db/jlis/residents';
import { migrateToLatest } from '@shikaku/db/migrate';
import {
  forkServer,
  labelledPath,
  median,
  processCpuSeconds,
} from '@shikaku/platform/bench-processes';
import { newSecret } from '@shikaku/platform/secrets';

const USAGE = `Usage: node apps/eligibility-api/dist/bench/certificate-statuses.js --database-url URL [options]

  --database-url URL   PostgreSQL database of its own (it is filled with certificates)
  --client LABEL=PATH  a build's dist/upstream.js (repeat; default: this build, "current")
  --jlis PATH          jlis's dist/server.js (default: this checkout's)
  --certificates N     certificates seeded (default 20000)
  --rate N             checks a second per client (default 2000)
  --burst-ms N         the driver fires the checks due every N ms (default 1); a busy server's
                       event loop reads many requests a turn, so its checks come in bursts
  --duration S         seconds a window (default 5)
  --rounds N           windows per client (default 5)
  --port N             first jlis port (default 7395)`;

interface DriverTask {
  clientPath: string;
  jlisUrl: string;
  serviceKey: string;
  certificates: number;
  rate: number;
  durationMs: number;
  burstMs: number;
  seed: number;
}

interface DriverResult {
  ok: number;
  failed: number;
  /** HTTP requests the client sent to jlis. */
  requests: number;
}

const serialOf = (i: number) => `BENCH-STATUS-${String(i).padStart(8, '0')}`;

/** The driver: a child process that is eligibility-api's client side, and nothing else. */
async function drive(): Promise<void> {
  let upstreams: { certificateStatus(serial: string): Promise<string> } | undefined;
  let requests = 0;
  diagnostics.subscribe('http.client.request.start', () => void requests++);
  process.on('message', (task: DriverTask) => {
    void (async () => {
      if (!upstreams) {
        const client = (await import(pathToFileURL(task.clientPath).href)) as {
          httpUpstreams(options: object): typeof upstreams;
        };
        upstreams = client.httpUpstreams({
          insurerApiUrl: undefined,
          jlisUrl: task.jlisUrl,
          serviceKey: task.serviceKey,
        });
      }
      const ask = upstreams!;
      const result: DriverResult = { ok: 0, failed: 0, requests: 0 };
      const requestsBefore = requests;
      const pending: Promise<void>[] = [];
      let draw = task.seed >>> 0;
      const start = performance.now();
      let sent = 0;
      const total = Math.round((task.rate * task.durationMs) / 1000);
      await new Promise<void>((done) => {
        const tick = setInterval(() => {
          const due = Math.min(total, Math.floor(((performance.now() - start) * task.rate) / 1000));
          for (; sent < due; sent++) {
            draw = (Math.imul(draw, 1664525) + 1013904223) >>> 0;
            pending.push(
              ask.certificateStatus(serialOf(draw % task.certificates)).then(
                () => void result.ok++,
                () => void result.failed++,
              ),
            );
          }
          if (sent >= total) {
            clearInterval(tick);
            done();
          }
        }, task.burstMs);
      });
      await Promise.all(pending);
      result.requests = requests - requestsBefore;
      process.send!(result);
    })();
  });
}

const log = (message: string, extra: object = {}) =>
  console.log(JSON.stringify({ at: new Date().toISOString(), message, ...extra }));

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      client: { type: 'string', multiple: true },
      jlis: { type: 'string' },
      certificates: { type: 'string', default: '20000' },
      rate: { type: 'string', default: '2000' },
      duration: { type: 'string', default: '5' },
      'burst-ms': { type: 'string', default: '1' },
      rounds: { type: 'string', default: '5' },
      port: { type: 'string', default: '7395' },
      help: { type: 'boolean' },
    },
  });
  const databaseUrl = args['database-url'];
  if (args.help || !databaseUrl) {
    console.log(USAGE);
    process.exitCode = args.help ? 0 : 2;
    return;
  }
  const here = fileURLToPath(import.meta.url);
  const jlisPath = resolve(args.jlis ?? resolve(here, '../../../../jlis/dist/server.js'));
  const clients = (args.client ?? [`current=${resolve(here, '../../upstream.js')}`]).map(
    (spec, i) => ({ ...labelledPath(spec, `client${i + 1}`), port: Number(args.port) + i }),
  );
  const certificates = Number(args.certificates);
  const rate = Number(args.rate);
  const durationMs = Number(args.duration) * 1000;
  const rounds = Number(args.rounds);

  const handle = await openDatabase({ url: databaseUrl });
  await migrateToLatest(handle, ['jlis']);
  const holder = '123456789018';
  await upsertResidents(handle, [
    {
      myNumber: holder,
      name: '資格 花子',
      nameKana: 'シカク ハナコ',
      birthDate: '1989-09-13',
      sex: '2',
      address: '東京都千代田区霞が関1-2-2',
    },
  ]);
  await upsertCertificates(
    handle,
    Array.from({ length: certificates }, (_, i) => ({
      serial: serialOf(i),
      myNumber: holder,
      status: i % 50 === 0 ? ('revoked' as const) : ('valid' as const),
    })),
    new Date('2025-06-01T00:00:00Z'),
  );
  await handle.close();
  log('seeded', { certificates });

  const serviceKey = newSecret();
  const running: ChildProcess[] = [];
  const startJlis = async (port: number) => {
    const child = await forkServer(jlisPath, port, {
      DATABASE_URL: databaseUrl,
      SHIKAKU_SERVICE_KEY: serviceKey,
      JLIS_CONTROL_KEY: newSecret(),
    });
    running.push(child);
    return child;
  };
  const startDriver = () => {
    const child = fork(here, ['--drive'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    running.push(child);
    return child;
  };
  const runWindow = (driver: ChildProcess, task: DriverTask) =>
    new Promise<DriverResult>((done) => {
      driver.once('message', (result: DriverResult) => done(result));
      driver.send(task);
    });

  try {
    const sides = [];
    for (const client of clients) {
      const jlis = await startJlis(client.port);
      sides.push({ client, jlis, driver: startDriver() });
    }
    const task = (client: (typeof clients)[number], seed: number): DriverTask => ({
      clientPath: client.path,
      jlisUrl: `http://127.0.0.1:${client.port}`,
      serviceKey,
      certificates,
      rate,
      durationMs,
      burstMs: Number(args['burst-ms']),
      seed,
    });
    // Warm-up, two windows each: JIT, connections, jlis's pool; not measured.
    for (let warm = 0; warm < 2; warm++)
      for (const side of sides) await runWindow(side.driver, task(side.client, 1));
    const perCheck = new Map(
      clients.map((c) => [
        c.label,
        { jlis: [] as number[], client: [] as number[], perRequest: [] as number[] },
      ]),
    );
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? sides : sides.toReversed();
      for (const side of order) {
        const before = [processCpuSeconds(side.jlis.pid!), processCpuSeconds(side.driver.pid!)];
        const counts = await runWindow(side.driver, task(side.client, round + 1));
        const jlisCpu = processCpuSeconds(side.jlis.pid!) - before[0]!;
        const clientCpu = processCpuSeconds(side.driver.pid!) - before[1]!;
        const checks = Math.max(1, counts.ok);
        const jlisMicroseconds = Math.round((jlisCpu * 1e6) / checks);
        const clientMicroseconds = Math.round((clientCpu * 1e6) / checks);
        perCheck.get(side.client.label)!.jlis.push(jlisMicroseconds);
        perCheck.get(side.client.label)!.client.push(clientMicroseconds);
        const checksPerRequest = Math.round((counts.ok / Math.max(1, counts.requests)) * 10) / 10;
        perCheck.get(side.client.label)!.perRequest.push(checksPerRequest);
        log('round', {
          round,
          client: side.client.label,
          ...counts,
          checksPerRequest,
          jlisMicroseconds,
          clientMicroseconds,
        });
      }
    }
    log('result', {
      certificates,
      rate,
      burstMs: Number(args['burst-ms']),
      durationSeconds: durationMs / 1000,
      rounds,
      medianJlisCpuMicrosecondsPerCheck: Object.fromEntries(
        [...perCheck].map(([label, v]) => [label, median(v.jlis)]),
      ),
      medianClientCpuMicrosecondsPerCheck: Object.fromEntries(
        [...perCheck].map(([label, v]) => [label, median(v.client)]),
      ),
      medianChecksPerRequest: Object.fromEntries(
        [...perCheck].map(([label, v]) => [label, median(v.perRequest)]),
      ),
    });
  } finally {
    await Promise.all(
      running.map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}

if (process.argv.includes('--drive')) await drive();
else await main();
