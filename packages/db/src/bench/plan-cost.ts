// Benchmark: PostgreSQL's CPU per run of the hot card search (CARDS_WITH_RELATED), as shipped
// (array parameters behind `(select $n)`, unnestParameters) and with bare array parameters, at
// batch sizes 1, 5, 20 and 100. One client runs the statements one after another and reads its
// backend's CPU time from /proc (Linux, PostgreSQL on this machine), so the figure is PostgreSQL's
// own work per statement, whatever else the machine is doing.
//
//   node packages/db/dist/bench/plan-cost.js \
//     --database-url postgres://postgres@127.0.0.1:5432/shikaku_bench_eligibility [--keys 4000]
//
// The database is one the eligibility bench filled (apps/eligibility-api/dist/bench/main.js).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { CARDS_WITH_RELATED } from '../eligibility/qualifications.js';

const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    keys: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '3' },
  },
});
if (!args['database-url']) throw new Error('--database-url is required (a filled bench database)');
const keysPerSize = Number(args.keys);

const client = new pg.Client({ connectionString: args['database-url'] });
await client.connect();
const backend = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!
  .pid;
/** The backend's user + system CPU so far, in µs (clock ticks of 10 ms: runs are long enough). */
const backendCpuMicroseconds = () => {
  const stat = readFileSync(`/proc/${backend}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
};

// Real keys: a 1% page sample of the table, shuffled (seeded) so that consecutive keys do not share
// heap pages the way a page sample's neighbours do.
const keys = (
  await client.query<{ i: string; n: string; b: string }>(
    `select insurer_number as i, insured_identification_number as n, birth_date::text as b
     from eligibility.qualifications tablesample system (1) repeatable (42)`,
  )
).rows;
if (keys.length < 10_000) throw new Error(`the table gave ${keys.length} keys: fill it first`);
let seed = 42;
for (let i = keys.length - 1; i > 0; i--) {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  const j = seed % (i + 1);
  [keys[i], keys[j]] = [keys[j]!, keys[i]!];
}

const variants = {
  shipped: CARDS_WITH_RELATED.text,
  bare: CARDS_WITH_RELATED.text.replace(/\(select (\$\d+::\w+\[\])\)/g, '$1'),
};
let next = 0;
const results: Record<string, Record<number, number[]>> = { shipped: {}, bare: {} };
for (let round = 1; round <= Number(args.rounds); round++) {
  for (const size of [1, 5, 20, 100]) {
    // Alternating the variants inside a round: each pair is measured seconds apart.
    for (const [variant, text] of Object.entries(variants)) {
      // Enough statements that the backend's 10 ms CPU ticks are a small part of the total.
      const statements = Math.max(300, Math.round(keysPerSize / size));
      const name = `plan-cost-${variant}-${round}-${size}`;
      const before = backendCpuMicroseconds();
      for (let s = 0; s < statements; s++) {
        const batch = Array.from({ length: size }, () => keys[next++ % keys.length]!);
        await client.query({
          name,
          text,
          values: [batch.map((k) => k.i), batch.map((k) => k.n), batch.map((k) => k.b)],
        });
      }
      const perStatement = (backendCpuMicroseconds() - before) / statements;
      (results[variant]![size] ??= []).push(perStatement);
    }
  }
}
await client.end();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
for (const size of [1, 5, 20, 100]) {
  const shipped = median(results.shipped![size]!);
  const bare = median(results.bare![size]!);
  console.log(
    JSON.stringify({
      keysPerStatement: size,
      postgresCpuMicrosecondsPerStatement: { shipped: Math.round(shipped), bare: Math.round(bare) },
      postgresCpuMicrosecondsPerKey: {
        shipped: Math.round(shipped / size),
        bare: Math.round(bare / size),
      },
      ratioShippedToBare: Math.round((shipped / bare) * 100) / 100,
      rounds: Number(args.rounds),
    }),
  );
}
