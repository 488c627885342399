// Persons per second of the row API (generatePopulation: strings, addresses, contact details) and
// the columnar API (fillMemberColumns: what the simulations use), one thread, for two builds of
// this package in one process, alternating, so the ratio is a same-run comparison.
// node packages/synth/bench/population-bench.mjs DIST_A DIST_B [rowPersons] [columnPersons] [rounds]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [a, b] = process.argv.slice(2, 4);
const rows = Number(process.argv[4] ?? 200_000);
const columns = Number(process.argv[5] ?? 1_000_000);
const rounds = Number(process.argv[6] ?? 3);
if (!a || !b)
  throw new Error('usage: population-bench.mjs DIST_A DIST_B [rows] [columns] [rounds]');

async function load(dir) {
  const url = (f) => pathToFileURL(resolve(dir, f)).href;
  const t = performance.now();
  const population = await import(url('population.js'));
  const columnar = await import(url('columnar.js'));
  return { population, columnar, importMs: performance.now() - t };
}

function rowRate({ population }) {
  const t = performance.now();
  let n = 0;
  for (const p of population.generatePopulation({ seed: 1, size: rows, asOf: '2024-06-01' }))
    n += p.address.length > 0 ? 1 : 0;
  return (n / (performance.now() - t)) * 1000;
}

function columnRate({ columnar }) {
  const out = columnar.allocateMemberColumns(columns);
  const t = performance.now();
  columnar.fillMemberColumns({ seed: 1, size: columns, asOf: '2024-06-01' }, 0, columns, out);
  return (columns / (performance.now() - t)) * 1000;
}

const builds = { A: await load(a), B: await load(b) };
const results = { A: { rows: [], columns: [] }, B: { rows: [], columns: [] } };
for (let r = 0; r < rounds; r++) {
  for (const k of r % 2 === 0 ? ['A', 'B'] : ['B', 'A']) {
    results[k].rows.push(rowRate(builds[k]));
    results[k].columns.push(columnRate(builds[k]));
  }
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const summary = Object.fromEntries(
  Object.entries(results).map(([k, v]) => [
    k,
    {
      importMs: Math.round(builds[k].importMs),
      rowPersonsPerSecond: Math.round(median(v.rows)),
      columnPersonsPerSecond: Math.round(median(v.columns)),
      rowRuns: v.rows.map(Math.round),
      columnRuns: v.columns.map(Math.round),
    },
  ]),
);
summary.ratioBoverA = {
  rows: +(summary.B.rowPersonsPerSecond / summary.A.rowPersonsPerSecond).toFixed(3),
  columns: +(summary.B.columnPersonsPerSecond / summary.A.columnPersonsPerSecond).toFixed(3),
};
console.log(JSON.stringify({ rows, columns, rounds, ...summary }));
