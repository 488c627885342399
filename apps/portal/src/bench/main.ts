// Benchmark: the operator dashboard's funnel over time at national scale (242,662 institutions),
// one scan (funnelOverTime) against the baseline of one funnelAt query per date, same run, same
// database; the two must agree before any figure is printed.
//
//   createdb -h 127.0.0.1 -U postgres shikaku_bench_portal
//   node apps/portal/dist/bench/main.js \
//     --database-url postgres://postgres@127.0.0.1:5432/shikaku_bench_portal --scale 1 --runs 5
import { parseArgs } from 'node:util';
import { openDatabase } from '@shikaku/db/database';
import { countInstitutions, funnelAt, funnelOverTime } from '@shikaku/db/portal/campaign';
import { migrateToLatest } from '@shikaku/db/migrate';
import { insertInstitutions } from '@shikaku/db/portal/accounts';
import { jstStartOfDay } from '@shikaku/core/clock';
import { generateInstitutions } from '@shikaku/synth/institutions';
import { campaignDates } from '../operator/routes.js';
import { institutionRows } from '../seed.js';

const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    scale: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
    today: { type: 'string', default: '2022-03-31' },
    seed: { type: 'string', default: '1' },
  },
});
const url = args['database-url'];
if (!url) throw new Error('--database-url is required (a database of its own: it is filled)');

const handle = await openDatabase({ url, poolSize: 4 });
await migrateToLatest(handle, ['portal']);
const synthetic = generateInstitutions({ seed: Number(args.seed), scale: Number(args.scale) });
if ((await countInstitutions(handle)) < synthetic.length) {
  const rows = institutionRows(synthetic, Number(args.seed));
  const started = performance.now();
  for (let i = 0; i < rows.length; i += 1000)
    await insertInstitutions(handle, rows.slice(i, i + 1000));
  console.log(
    `loaded ${rows.length} institutions in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

const dates = campaignDates(args.today ?? '2022-03-31').map(
  (d) => new Date(jstStartOfDay(d).getTime() + 86_399_999),
);
const runs = Number(args.runs);

async function baseline() {
  const out = [];
  for (const at of dates) {
    const t = { not_applied: 0, applied: 0, preparing: 0, operating: 0 };
    for (const c of await funnelAt(handle, at)) t[c.stage] += c.count;
    out.push(t);
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
async function time(fn: () => Promise<unknown>): Promise<{ ms: number; result: unknown }> {
  await fn(); // warm-up
  const times: number[] = [];
  let result: unknown;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = await fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), result };
}

const base = await time(baseline);
const scan = await time(() => funnelOverTime(handle, dates));
if (JSON.stringify(base.result) !== JSON.stringify(scan.result)) {
  console.error('funnelOverTime disagrees with funnelAt per date');
  process.exit(1);
}
const n = await countInstitutions(handle);
console.log(
  JSON.stringify({
    institutions: n,
    dates: dates.length,
    runs,
    baselinePerDateMs: Math.round(base.ms),
    oneScanMs: Math.round(scan.ms),
    speedup: Number((base.ms / scan.ms).toFixed(2)),
    last: (scan.result as unknown[]).at(-1),
  }),
);
await handle.close();
