#!/usr/bin/env node
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderReportHtml } from './report-html.js';
import { runMismatchSimulation } from './simulation.js';

/**
 * Benchmark entry (compiled; run with node): one simulation run, one JSON line of figures on
 * stdout. `shikaku sim mismatch` is the user command; this one has no dependency on the apps, so
 * benchmarks can run while they are being built.
 *
 *   node sims/mismatch/dist/bench.js --existing 10000000 --incoming 1000000 --workers 2 \
 *     --data /tmp/shikaku-mismatch --compare-duckdb [--out DIR]
 */
const { values } = parseArgs({
  options: {
    existing: { type: 'string', default: '1000000' },
    incoming: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string', default: '2' },
    'as-of': { type: 'string', default: '2021-07-15' },
    policy: { type: 'string', default: 'seed' },
    data: { type: 'string' },
    out: { type: 'string' },
    'compare-duckdb': { type: 'boolean', default: false },
    'generate-workers': { type: 'string' },
  },
});
const int = (s: string | undefined) => Number(String(s).replaceAll('_', ''));
const report = await runMismatchSimulation({
  existing: int(values.existing),
  incoming: int(values.incoming),
  seed: int(values.seed),
  workers: int(values.workers),
  asOf: values['as-of']!,
  policy: values.policy === 'current' ? 'current' : 'seed',
  ...(values.data ? { dataDir: resolve(values.data) } : {}),
  ...(values['compare-duckdb'] ? { compareDuckdb: true } : {}),
  ...(values['generate-workers'] ? { generateWorkers: int(values['generate-workers']) } : {}),
});
if (values.out) {
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(values.out, 'report.html'), renderReportHtml(report));
}
const s = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : +(ms / 1000).toFixed(3);
process.stdout.write(
  `${JSON.stringify({
    existing: report.parameters.existing,
    incoming: report.parameters.incoming,
    workers: report.parameters.workers,
    source: report.engine.source,
    stages: Object.fromEntries(report.stages.map((x) => [x.name, s(x.ms)])),
    oursLoadS: s(report.engine.loadMs),
    oursMatchS: s(report.engine.matchMs),
    oursEndToEndS: s(report.engine.endToEndMs),
    recordsPerSecond: Math.round(report.engine.recordsPerSecond),
    duckdbLoadS: s(report.duckdb?.loadMs),
    duckdbMatchS: s(report.duckdb?.matchMs),
    duckdbEndToEndS: s(report.duckdb?.endToEndMs),
    ratio:
      report.duckdb?.ratio === null || report.duckdb === undefined
        ? null
        : +report.duckdb.ratio.toFixed(3),
    agrees: report.duckdb?.agrees ?? null,
    peakRssGiB: +(report.peakRssBytes / 2 ** 30).toFixed(2),
    precision: report.evaluation.overall.precision,
    recall: report.evaluation.overall.recall,
  })}\n`,
);
