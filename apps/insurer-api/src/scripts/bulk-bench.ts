// Benchmark: bulk registration of --rows members from a CSV file, end to end over HTTP (parse,
// validate, history lookup, core rule, COPY + upsert with outbox, notifications and J-LIS queue),
// on PostgreSQL with --existing members already registered, beside a plain COPY of the same file
// into a bare table measured in the same run. Last, the registrations it made are COPYed back into
// the table on as many connections as it had workers: what storing the rows alone costs (the
// table's indexes, no checks), the ceiling of any bulk path on this machine.
//
//   createdb -h 127.0.0.1 -U postgres shikaku_bench_insurer
//   pnpm --filter @shikaku/insurer-api bench:bulk -- --existing 10000000 --rows 1000000 [--workers N]
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { Piscina } from 'piscina';
import { fixedClock } from '@shikaku/core/clock';
import { insurerNumberFromBody } from '@shikaku/core/insurer-number';
import { openDatabase } from '@shikaku/db/database';
import {
  copyCsvIntoBareTable,
  deleteInsurerRegistrations,
  exportRegistrations,
  importRegistrations,
  replaceRegistrations,
  vacuumRegistrations,
} from '@shikaku/db/intermediate/bulk-load';
import { upsertInsurer } from '@shikaku/db/intermediate/insurers';
import { countRegistrations } from '@shikaku/db/intermediate/registrations';
import { serverSettings, walPosition } from '@shikaku/db/admin';
import { migrateToLatest } from '@shikaku/db/migrate';
import { createLogger } from '@shikaku/platform/logger';
import { newSecret } from '@shikaku/platform/secrets';
import { compiledWorker } from '@shikaku/platform/workers';
import { generatePopulation, type SyntheticPerson } from '@shikaku/synth/population';
import { buildApp } from '../app.js';
import { hashKey } from '../auth.js';
import { readInsurerApiConfig } from '../config.js';
import { BENCH_URL_OPTION, benchArgv } from './bench-args.js';
import type { MembersTask } from './bulk-bench-members.worker.js';

const { values } = parseArgs({
  args: benchArgv(),
  options: {
    existing: { type: 'string', default: '10000000' },
    rows: { type: 'string', default: '1000000' },
    url: BENCH_URL_OPTION,
    batch: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '3' },
    // Default: the app's own (BULK_WORKERS or the machine's cores).
    workers: { type: 'string' },
    seed: { type: 'string', default: '7' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(`bulk-bench: bulk registration over HTTP vs plain COPY, on PostgreSQL

  --existing N     members registered before the run (default 10000000; loaded once, reused)
  --rows N         rows in the uploaded file (default 1000000)
  --url URL        PostgreSQL (default DATABASE_URL or …/shikaku_bench_insurer)
  --batch N        rows per database batch (BULK_BATCH_SIZE, default 10000)
  --concurrency N  chunks in flight (BULK_CONCURRENCY, default 3)
  --workers N      worker threads (BULK_WORKERS; default the app's own)
  --seed N         population seed (default 7)

Prints one JSON line of figures, then the comparison.
`);
  process.exit(0);
}
const EXISTING = Number(values.existing);
const ROWS = Number(values.rows);
const SEED = Number(values.seed);
const AS_OF = '2021-07-15';
const BENCH_INSURER = insurerNumberFromBody('0113999');
const KEY = 'bench-insurer-key';
const COLUMNS = [
  'myNumber',
  'cardSymbol',
  'cardNumber',
  'branchNumber',
  'personalFamily',
  'name',
  'nameKana',
  'birthDate',
  'sex',
  'address',
  'postNumber',
  'qualificationDate',
] as const;

const clock = fixedClock(new Date(`${AS_OF}T01:00:00Z`));
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const handle = await openDatabase({ url: values.url, poolSize: 8 });
if (handle.kind !== 'postgres') throw new Error('the benchmark runs on PostgreSQL (--url)');
await migrateToLatest(handle, ['intermediate']);
const POPULATION = { seed: SEED, size: EXISTING + ROWS, asOf: AS_OF };
const population = (from: number, to: number) => generatePopulation({ ...POPULATION, from, to });

/**
 * Persons 0…EXISTING−1 as registered members in COPY text, slice by slice in index order, formatted
 * on worker threads: one core formats 150–300k rows/s, slower than PostgreSQL takes them.
 */
async function* existingMembers(): AsyncGenerator<{ bytes: Uint8Array; rows: number }> {
  const SLICE = 16_384;
  const slices = Math.ceil(EXISTING / SLICE);
  const pool = new Piscina({
    ...compiledWorker(import.meta.url, 'bulk-bench-members.worker.js'),
    // Formatting costs ~3× what the COPY costs PostgreSQL; beyond 4 workers the COPY is the limit.
    maxThreads: Math.min(4, availableParallelism()),
  });
  const task = (k: number): MembersTask => ({
    population: POPULATION,
    from: k * SLICE,
    to: Math.min(EXISTING, (k + 1) * SLICE),
    personRefSecret: 'bench-secret',
    at: clock.now().toISOString(),
  });
  // Slices in index order, with two per worker thread being formatted ahead.
  const depth = 2 * pool.options.maxThreads;
  const ahead: Array<{ bytes: Promise<Uint8Array>; rows: number }> = [];
  try {
    for (let k = 0; k < slices; k++) {
      ahead.push({ bytes: pool.run(task(k)), rows: Math.min(SLICE, EXISTING - k * SLICE) });
      if (ahead.length < depth) continue;
      const next = ahead.shift()!;
      yield { bytes: await next.bytes, rows: next.rows };
    }
    for (const next of ahead) yield { bytes: await next.bytes, rows: next.rows };
  } finally {
    await pool.close();
  }
}

// 1. The members already registered, loaded once (later runs reuse them): the table emptied and
// filled by one COPY, its indexes built afterwards.
await deleteInsurerRegistrations(handle, BENCH_INSURER);
if ((await countRegistrations(handle)) < EXISTING) {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const rate = (rows: number) => `${Math.round(rows / seconds())} rows/s`;
  async function* progress() {
    let done = 0;
    for await (const slice of existingMembers()) {
      yield slice.bytes;
      done += slice.rows;
      if (Math.floor(done / 1_000_000) > Math.floor((done - slice.rows) / 1_000_000)) {
        log(`existing members: ${done} copied, ${rate(done)}`);
      }
    }
    log(`existing members: ${done} copied in ${seconds().toFixed(1)} s; building indexes`);
  }
  const loaded = await replaceRegistrations(handle, progress());
  log(`loaded ${loaded} existing members in ${seconds().toFixed(1)} s, ${rate(loaded)}`);
}
await vacuumRegistrations(handle);
const existingCount = await countRegistrations(handle);

// 2. The file: new members (no history), job changes of registered members (same facts, new card),
// and one in a hundred with a mistyped birth date (a suspicion).
const dir = await mkdtemp(join(tmpdir(), 'shikaku-bench-'));
// The file and the exported registrations hold (synthetic) My Numbers: removed however the run ends.
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'members.csv');
{
  const out = createWriteStream(file);
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write(`${COLUMNS.join(',')}\n`);
  let i = 0;
  // Registered members to re-register: a contiguous run from a seeded offset, generated in order.
  const offset = (SEED * 7919) % Math.max(1, EXISTING - ROWS);
  const registered = population(offset, Math.min(EXISTING, offset + ROWS));
  for (const fresh of population(EXISTING, EXISTING + ROWS)) {
    let person = fresh;
    let birthDate = fresh.birthDate;
    if (i % 10 === 0 || i % 100 === 1) {
      person = (registered.next().value as SyntheticPerson | undefined) ?? fresh;
      birthDate =
        i % 100 === 1
          ? `${Number(person.birthDate.slice(0, 4)) - 1}${person.birthDate.slice(4)}`
          : person.birthDate;
    }
    await write(
      [
        person.myNumber,
        'B1',
        `N${i}`,
        '00',
        person.personalFamilyClassification,
        person.name,
        person.nameKana,
        birthDate,
        String(person.sex),
        person.address,
        person.postNumber,
        AS_OF,
      ].join(',') + '\n',
    );
    i++;
  }
  out.end();
  await once(out, 'finish');
}
const bytes = (await stat(file)).size;
log(`file: ${ROWS} rows, ${(bytes / 1e6).toFixed(1)} MB`);

// 3. Baseline: plain COPY of the same file into a bare table.
const walBeforeCopy = await walPosition(handle);
const copyStarted = performance.now();
const copied = await copyCsvIntoBareTable(handle, COLUMNS, createReadStream(file));
const copySeconds = (performance.now() - copyStarted) / 1000;
const copyWal = (await walPosition(handle)) - walBeforeCopy;

// 4. End to end: the file uploaded to insurer-api over HTTP.
await upsertInsurer(
  handle,
  { insurerNumber: BENCH_INSURER, name: 'ベンチ保険者', keyHash: hashKey(KEY), webhookUrl: null },
  clock.now(),
);
// A throw-away database: throw-away secrets.
const defaults = readInsurerApiConfig({
  SHIKAKU_SERVICE_KEY: newSecret(),
  PERSON_REF_SECRET: newSecret(),
});
const config = {
  ...defaults,
  jobs: { ...defaults.jobs, enabled: false },
  bulkBatchSize: Number(values.batch),
  bulkConcurrency: Number(values.concurrency),
  bulkWorkers: values.workers === undefined ? defaults.bulkWorkers : Number(values.workers),
};
const app = await buildApp(config, {
  handle,
  clock,
  logger: createLogger({ name: 'bench', level: 'warn' }),
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
const walBeforeBulk = await walPosition(handle);
const bulkStarted = performance.now();
const response = await fetch(`${url}/v1/registrations/bulk`, {
  method: 'POST',
  headers: { authorization: `Bearer ${KEY}`, 'content-type': 'text/csv' },
  body: createReadStream(file) as never,
  duplex: 'half',
} as RequestInit);
const report = (await response.json()) as Record<string, unknown>;
const bulkSeconds = (performance.now() - bulkStarted) / 1000;
const bulkWal = (await walPosition(handle)) - walBeforeBulk;
// What the figures depend on besides the code: a bulk load wants a large WAL budget and cache.
const server = await serverSettings(handle, [
  'server_version',
  'shared_buffers',
  'max_wal_size',
  'checkpoint_timeout',
  'synchronous_commit',
]);
await app.close();

// 5. Storing the rows alone: the registrations the upload made, COPYed back into the table (its
// indexes, no checks, events or notifications) on one connection per worker, all at once.
const streams = Math.max(1, config.bulkWorkers);
const parts = Array.from({ length: streams }, (_, k) => join(dir, `registrations-${k}.copy`));
await exportRegistrations(handle, BENCH_INSURER, parts);
await deleteInsurerRegistrations(handle, BENCH_INSURER);
await vacuumRegistrations(handle);
const storeStarted = performance.now();
const stored = await importRegistrations(handle, parts);
const storeSeconds = (performance.now() - storeStarted) / 1000;
await handle.close();

const copyRate = copied / copySeconds;
const bulkRate = Number(report.accepted) / bulkSeconds;
const storeRate = stored / storeSeconds;
const summary = {
  existing: existingCount,
  rows: ROWS,
  batch: Number(values.batch),
  concurrency: Number(values.concurrency),
  workers: config.bulkWorkers,
  copy: {
    rows: copied,
    seconds: +copySeconds.toFixed(2),
    rowsPerSecond: Math.round(copyRate),
    walBytesPerRow: Math.round(copyWal / copied),
  },
  bulk: {
    status: response.status,
    accepted: report.accepted,
    rejected: report.rejected,
    changed: report.changed,
    suspicions: report.suspicions,
    jlisQueued: report.jlisQueued,
    seconds: +bulkSeconds.toFixed(2),
    rowsPerSecond: Math.round(bulkRate),
    walBytesPerRow: Math.round(bulkWal / Number(report.accepted)),
  },
  ratio: +(bulkRate / copyRate).toFixed(3),
  storage: {
    rows: stored,
    streams,
    seconds: +storeSeconds.toFixed(2),
    rowsPerSecond: Math.round(storeRate),
    ratio: +(storeRate / copyRate).toFixed(3),
  },
  cores: availableParallelism(),
  server,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.stdout.write(
  `bulk registration ${Math.round(bulkRate)} rows/s vs plain COPY ${Math.round(copyRate)} rows/s: ratio ${summary.ratio} (target ≥ 0.333)\n` +
    `storing the same rows alone (COPY into registrations, ${streams} streams): ${Math.round(storeRate)} rows/s, ratio ${summary.storage.ratio} of plain COPY: the ceiling on this machine\n`,
);
