// Benchmark: the J-LIS emulator's CPU per certificate status request (every card confirmation
// asks one), on PostgreSQL, for one or more builds of server.js side by side:
//
//   createdb -h 127.0.0.1 -U postgres shikaku_bench_jlis
//   node apps/jlis/dist/bench/main.js \
//     --database-url postgres://postgres@127.0.0.1:5432/shikaku_bench_jlis \
//     --server before=/tmp/shikaku-before/apps/jlis/dist/server.js \
//     --server after=apps/jlis/dist/server.js --rounds 7
//
// Every server runs throughout (LOG_LEVEL=warn, as the load tests run it); each round measures
// them one after another, so a before/after pair compares windows seconds apart on a shared,
// noisy machine. A server's CPU is its process's user + system time from /proc (Linux only), over
// the requests it answered 200; the result gives each server's median over the rounds.
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { openDatabase } from '@shikaku/db/database';
import { migrateToLatest } from '@shikaku/db/migrate';
import {
  forkServer,
  labelledPath,
  median,
  processCpuSeconds,
} from '@shikaku/platform/bench-processes';
import { newSecret } from '@shikaku/platform/secrets';
import { generatePopulation } from '@shikaku/synth/population';
import { seedResidents } from '../seed.js';

const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    server: { type: 'string', multiple: true },
    residents: { type: 'string', default: '20000' },
    connections: { type: 'string', default: '20' },
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '5' },
    port: { type: 'string', default: '7390' },
    seed: { type: 'string', default: '42' },
  },
});

const databaseUrl = args['database-url'];
if (!databaseUrl)
  throw new Error('--database-url is required (a database of its own: it is filled)');
const servers = (
  args.server ?? [`current=${new URL('../server.js', import.meta.url).pathname}`]
).map((spec, i) => ({ ...labelledPath(spec, `server${i + 1}`), port: Number(args.port) + i }));
const connections = Number(args.connections);
const rate = Number(args.rate);
const durationMs = Number(args.duration) * 1000;
const rounds = Number(args.rounds);
const asOf = '2025-06-01';
const population = () =>
  generatePopulation({ seed: Number(args.seed), size: Number(args.residents), asOf });
const log = (message: string, extra: object = {}) =>
  console.log(JSON.stringify({ at: new Date().toISOString(), message, ...extra }));

// The registry: seeded once (a no-op when this database holds it already).
const handle = await openDatabase({ url: databaseUrl });
await migrateToLatest(handle, ['jlis']);
const seeded = await seedResidents(handle, population(), new Date(`${asOf}T00:00:00Z`));
await handle.close();
const serials = [...population()].flatMap((person) =>
  person.card ? [person.card.certificateSerial] : [],
);
log('seeded', { ...seeded, certificates: serials.length });

const serviceKey = newSecret();
const startServer = (path: string, port: number) =>
  forkServer(path, port, {
    DATABASE_URL: databaseUrl,
    SHIKAKU_SERVICE_KEY: serviceKey,
    JLIS_CONTROL_KEY: newSecret(),
  });

let draw = Number(args.seed) >>> 0;
const nextSerial = () => {
  draw = (Math.imul(draw, 1664525) + 1013904223) >>> 0;
  return serials[draw % serials.length]!;
};

/**
 * `connections` keep-alive clients asking certificate statuses at `rate` a second in all, for
 * `durationMs`. A fixed rate, not as fast as each answers: a process's CPU per request falls as
 * its rate rises (more requests per event-loop turn and per system call), so servers are
 * compared at the same rate, one both keep up with.
 */
async function load(port: number): Promise<{ ok: number; other: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const counts = { ok: 0, other: 0 };
  const ask = () =>
    new Promise<void>((done, fail) => {
      const request = http.get(
        {
          agent,
          host: '127.0.0.1',
          port,
          path: `/v1/certificates/${nextSerial()}/status`,
          headers: { 'x-service-key': serviceKey },
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            if (response.statusCode === 200) counts.ok++;
            else counts.other++;
            done();
          });
        },
      );
      request.on('error', fail);
    });
  const start = Date.now();
  const until = start + durationMs;
  const interval = (connections * 1000) / rate;
  await Promise.all(
    Array.from({ length: connections }, async (_, i) => {
      for (let next = start + (i * interval) / connections; next < until; next += interval) {
        const wait = next - Date.now();
        if (wait > 0) await new Promise((done) => setTimeout(done, wait));
        await ask();
      }
    }),
  );
  agent.destroy();
  return counts;
}

const running: ChildProcess[] = [];
try {
  for (const server of servers) running.push(await startServer(server.path, server.port));
  // Warm-up: JIT and the pool's connections, not measured.
  for (const server of servers) await load(server.port);
  const perServer = new Map(servers.map((s) => [s.label, [] as number[]]));
  const rates = new Map(servers.map((s) => [s.label, [] as number[]]));
  for (let round = 1; round <= rounds; round++) {
    // Alternate which goes first, so neither always follows the other's load.
    const order = round % 2 === 1 ? servers : servers.toReversed();
    for (const server of order) {
      const pid = running[servers.indexOf(server)]!.pid!;
      const before = processCpuSeconds(pid);
      const counts = await load(server.port);
      const cpu = processCpuSeconds(pid) - before;
      const microseconds = Math.round((cpu * 1e6) / Math.max(1, counts.ok));
      perServer.get(server.label)!.push(microseconds);
      rates.get(server.label)!.push(Math.round(counts.ok / (durationMs / 1000)));
      log('round', { round, server: server.label, ...counts, cpuSeconds: cpu, microseconds });
    }
  }
  log('result', {
    residents: Number(args.residents),
    connections,
    rate,
    durationSeconds: durationMs / 1000,
    rounds,
    medianCpuMicrosecondsPerStatus: Object.fromEntries(
      [...perServer].map(([label, values]) => [label, median(values)]),
    ),
    medianStatusesPerSecond: Object.fromEntries(
      [...rates].map(([label, values]) => [label, median(values)]),
    ),
  });
} finally {
  await Promise.all(
    running.map(
      (child) =>
        new Promise<void>((done) => {
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
    ),
  );
}
