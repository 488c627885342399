#!/usr/bin/env node
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readColumnFile, timeRawColumnRead } from '@shikaku/synth/files';
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
    eras: { type: 'string', default: 'all' },
  },
});
const int = (s: string | undefined) => Number(String(s).replaceAll('_', ''));

/**
 * How much of each column file of the data dir sits in the page cache before the run (Linux
 * `fincore`), so a load time says whether it read the disk or memory. Null where fincore is
 * missing or the dir has no column files.
 */
function pageCacheResidency(dir: string | undefined) {
  if (!dir || !existsSync(dir)) return null;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cols'))
    .map((f) => join(dir, f));
  if (files.length === 0) return null;
  try {
    const out = execFileSync(
      'fincore',
      ['--bytes', '--noheadings', '--raw', '--output', 'RES,SIZE,FILE', ...files],
      { encoding: 'utf8' },
    );
    let resident = 0;
    let size = 0;
    const perFile = out
      .trim()
      .split('\n')
      .map((line) => {
        const [res, bytes, ...name] = line.split(' ');
        const r = Math.min(Number(res), Number(bytes));
        resident += r;
        size += Number(bytes);
        return {
          file: name.join(' ').split('/').pop(),
          gib: +(Number(bytes) / 2 ** 30).toFixed(2),
          cached: Number(bytes) > 0 ? +(r / Number(bytes)).toFixed(3) : 1,
        };
      });
    const share = size > 0 ? resident / size : 1;
    return {
      state: share >= 0.99 ? 'cached' : share <= 0.01 ? 'cold' : 'partly cached',
      cached: +share.toFixed(3),
      files: perFile,
    };
  } catch {
    return null;
  }
}

const dataDir = values.data ? resolve(values.data) : undefined;
const filesBefore = pageCacheResidency(dataDir);
// The machine's 1-minute load average before and after: how much else wanted the cores.
const loadBefore = loadavg()[0]!;
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
  eras: values.eras === 'primary' ? 'primary' : 'all',
});
if (values.out) {
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(values.out, 'report.html'), renderReportHtml(report));
}
const s = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : +(ms / 1000).toFixed(3);

/**
 * The floor under our load, measured after the run over the same bytes the engine read (the
 * matching columns: the population's first `existing` rows and every incoming row): a raw
 * sequential read into one reused buffer, and the previous loader (whole columns into fresh
 * shared memory, one read after another) for comparison.
 */
function readFloor() {
  const files = report.engine.files;
  if (!files) return null;
  const columns = ['myNumber', 'birthDays', 'kanaId'];
  const population = { columns, maxRows: report.parameters.existing };
  const raw = [
    timeRawColumnRead(files.population, population),
    timeRawColumnRead(files.incoming, { columns }),
  ];
  const bytes = raw[0]!.bytes + raw[1]!.bytes;
  const rawMs = raw[0]!.ms + raw[1]!.ms;
  const t = performance.now();
  readColumnFile(files.population, true, population.maxRows, columns);
  readColumnFile(files.incoming, true, undefined, columns);
  const oldMs = performance.now() - t;
  return {
    gib: +(bytes / 2 ** 30).toFixed(3),
    rawReadS: s(rawMs),
    rawReadGBps: +(bytes / rawMs / 1e6).toFixed(2),
    previousLoaderS: s(oldMs),
    previousLoaderGBps: +(bytes / oldMs / 1e6).toFixed(2),
  };
}
const floor = readFloor();
process.stdout.write(
  `${JSON.stringify({
    existing: report.parameters.existing,
    incoming: report.parameters.incoming,
    workers: report.parameters.workers,
    source: report.engine.source,
    loadAverage: [+loadBefore.toFixed(2), +loadavg()[0]!.toFixed(2)],
    // The column files before the run: 'cached' / 'cold' / 'partly cached' in the page cache.
    columnFiles: filesBefore,
    stages: Object.fromEntries(report.stages.map((x) => [x.name, s(x.ms)])),
    oursLoadS: s(report.engine.loadMs),
    oursMatchS: s(report.engine.matchMs),
    // Inside the match: index the incoming rows, scan (reads the existing records), decide.
    oursMatchStages: {
      indexS: s(report.engine.timings.indexMs),
      scanS: s(report.engine.timings.scanMs),
      decideS: s(report.engine.timings.decideMs),
    },
    // CPU time (every thread) in the same stages.
    oursMatchStagesCpu: {
      indexS: s(report.engine.stageCpu.indexMs),
      scanS: s(report.engine.stageCpu.scanMs),
      decideS: s(report.engine.stageCpu.decideMs),
    },
    // Same bytes, after the run: raw read (the floor) and the previous whole-column loader.
    readFloor: floor,
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
    // CPU time (every thread of the process) in each engine's load + match, and their ratio:
    // much less stretched than wall time when other work shares the cores.
    oursCpuS: s(report.engine.cpuMs),
    duckdbCpuS: s(report.duckdb?.cpuMs),
    cpuRatio:
      report.engine.cpuMs === null || report.duckdb === undefined
        ? null
        : +(report.engine.cpuMs / report.duckdb.cpuMs).toFixed(3),
    peakRssGiB: +(report.peakRssBytes / 2 ** 30).toFixed(2),
    precision: report.evaluation.overall.precision.value,
    recall: report.evaluation.overall.recall.value,
    coreDisagreements: report.eras.reduce((a, e) => a + e.coreAgreement.disagreements, 0),
  })}\n`,
);
