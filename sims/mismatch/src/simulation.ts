import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  CURRENT_POLICY,
  MIS_ENTRY_OUTCOMES,
  SEED_POLICY,
  type MisEntryPolicy,
} from '@shikaku/core/mis-entry';
import { createMatchingPool } from '@shikaku/matching/pool';
import type { ExistingColumnFile, ExistingColumns } from '@shikaku/matching/kernel';
import type { MemberColumns } from '@shikaku/synth/columnar';
import { columnFileLayout, readColumnFileAsync, writeColumnFile } from '@shikaku/synth/files';
import { DEFAULT_ERROR_MODEL, type ErrorModel } from '@shikaku/synth/error-model';
import {
  allocateIncomingColumns,
  fillIncomingColumns,
  INCOMING_COLUMN_TYPES,
  populationSizeFor,
  type IncomingColumns,
} from '@shikaku/synth/incoming';
import { hash3 } from '@shikaku/synth/prng';
import { classifyInDuckdb, countOutcomes, type DuckdbResult } from './duckdb.js';
import { evaluate, type Evaluation } from './evaluate.js';
import { generatePopulationColumns } from './generate-population.js';
import { finishWithCore } from './jlis.js';
import { linkageSecondOpinion, type LinkageResult } from './linkage.js';

/**
 * The policy eras the report scores the same data under: each rule from its own date. The data
 * (ages, who is registered) are as of the run's --as-of; only the rules' date and policy change.
 */
export const POLICY_ERAS = [
  { asOf: '2021-04-15', policy: 'seed', label: 'birth-date check only (from 2021-03-31)' },
  {
    asOf: '2021-07-15',
    policy: 'seed',
    label: "the seed's 2021 rules: + kana check, J-LIS for numbers with no history",
  },
  {
    asOf: '2023-06-01',
    policy: 'current',
    label: '+ all five facts against J-LIS (from 2023-04-14)',
  },
  {
    asOf: '2024-06-01',
    policy: 'current',
    label: '+ J-LIS for every registration (from 2024-05-01)',
  },
] as const satisfies readonly { asOf: string; policy: 'seed' | 'current'; label: string }[];

export interface EraResult {
  asOf: string;
  policy: 'seed' | 'current';
  label: string;
  /** The run's own --as-of / --policy (its figures are `evaluation` too). */
  primary: boolean;
  matchMs: number;
  /** Core's rule over every row (history, then J-LIS), ms. */
  coreMs: number;
  /** Rows checked against core's rule, and on how many the bulk engine disagreed (must be 0). */
  coreAgreement: {
    rows: number;
    disagreements: number;
    first: { row: number; engine: string; core: string } | null;
  };
  outcomes: Record<string, number>;
  evaluation: Evaluation;
  /** The Fellegi–Sunter second opinion over the same rows and facts (linkage.ts). */
  linkage: LinkageResult;
}

/** A short stable tag of a model, for data file names. */
function modelTag(model: ErrorModel): string {
  const text = JSON.stringify(model);
  let h = 0;
  for (let i = 0; i < text.length; i++) h = hash3(h, 0x3d, text.charCodeAt(i));
  return h.toString(16).padStart(8, '0');
}

export interface MismatchOptions {
  existing: number;
  incoming: number;
  seed: number;
  workers: number;
  /** Registration date the rules are applied on. */
  asOf: string;
  policy: 'seed' | 'current';
  /** Keep generated columns here and load them on the next run with the same parameters. */
  dataDir?: string;
  /** Also run the same classification in DuckDB (needs dataDir for its Parquet files). */
  compareDuckdb?: boolean;
  /** Threads for generating the population (default: workers). */
  generateWorkers?: number;
  /** The error and change model (default DEFAULT_ERROR_MODEL). */
  model?: ErrorModel;
  /** Score every policy era (default) or only the run's own. */
  eras?: 'all' | 'primary';
}

/**
 * A saved population for this seed and date with at least `size` persons: the population is
 * prefix-consistent, so the first `size` persons of a larger one are the same persons.
 */
function findPopulationFile(dir: string, seed: number, asOf: string, size: number): string | null {
  if (!existsSync(dir)) return null;
  const prefix = `population-v2-s${seed}-${asOf}-n`;
  let best: { file: string; n: number } | null = null;
  for (const file of readdirSync(dir)) {
    if (!file.startsWith(prefix) || !file.endsWith('.cols')) continue;
    const n = Number(file.slice(prefix.length, -'.cols'.length));
    if (n >= size && (best === null || n < best.n)) best = { file, n };
  }
  return best && join(dir, best.file);
}

export interface StageTiming {
  name: string;
  ms: number;
  /** Records handled by the stage. */
  records: number;
  recordsPerSecond: number;
}

export interface MismatchReport {
  kind: 'shikaku-mismatch-simulation';
  parameters: MismatchOptions & { populationSize: number };
  machine: { cpus: number; cpuModel: string; memoryBytes: number; node: string };
  stages: StageTiming[];
  /** The engine end to end: load (or generate) + index + match, in ms. */
  engine: {
    source: 'loaded' | 'generated';
    loadMs: number | null;
    matchMs: number;
    endToEndMs: number | null;
    /** CPU time of the process (every thread) in load + match, ms (loaded runs). */
    cpuMs: number | null;
    matches: number;
    /** The column files the engine read (loaded runs): the bench times a raw read of them. */
    files: { population: string; incoming: string } | null;
    recordsPerSecond: number;
    timings: { indexMs: number; scanMs: number; decideMs: number };
    /** CPU time of the process (every thread) in the same stages of the match. */
    stageCpu: { indexMs: number; scanMs: number; decideMs: number };
  };
  peakRssBytes: number;
  /** The error and change model the incoming rows were drawn from. */
  model: ErrorModel;
  /** Final outcomes (after J-LIS) by code, for the run's own --as-of / --policy. */
  outcomes: Record<string, number>;
  jlisQueried: number;
  evaluation: Evaluation;
  /** The same rows scored under each policy era. */
  eras: EraResult[];
  duckdb?: DuckdbResult & { agrees: boolean; endToEndMs: number; ratio: number | null };
}

export interface SimulationHooks {
  stage?: (name: string, total: number) => void;
  progress?: (done: number) => void;
}

function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

function view(c: MemberColumns, length: number): ExistingColumns {
  return {
    length,
    myNumber: c.myNumber.subarray(0, length),
    birthDays: c.birthDays.subarray(0, length),
    kanaId: c.kanaId.subarray(0, length),
  };
}

export async function runMismatchSimulation(
  options: MismatchOptions,
  hooks: SimulationHooks = {},
): Promise<MismatchReport> {
  const policy: MisEntryPolicy = options.policy === 'current' ? CURRENT_POLICY : SEED_POLICY;
  const size = populationSizeFor(options);
  const stages: StageTiming[] = [];
  const timed = async <T>(name: string, records: number, f: () => T | Promise<T>): Promise<T> => {
    hooks.stage?.(name, records);
    const t = performance.now();
    const value = await f();
    const ms = performance.now() - t;
    stages.push({ name, ms, records, recordsPerSecond: ms > 0 ? (records / ms) * 1000 : 0 });
    return value;
  };
  const model = options.model ?? DEFAULT_ERROR_MODEL;
  const key = `s${options.seed}-e${options.existing}-i${options.incoming}-${options.asOf}`;
  const savedPopulation =
    options.dataDir && findPopulationFile(options.dataDir, options.seed, options.asOf, size);
  const populationFile =
    savedPopulation ||
    (options.dataDir &&
      join(options.dataDir, `population-v2-s${options.seed}-${options.asOf}-n${size}.cols`));
  const incomingFile =
    options.dataDir && join(options.dataDir, `incoming-v2-${key}-m${modelTag(model)}.cols`);

  // The matching job reads only these columns (as DuckDB's load does); the others (and the
  // population's rows past `existing`) are loaded after the match for the core rule and J-LIS.
  const matchColumns = ['myNumber', 'birthDays', 'kanaId'];
  let population: MemberColumns | null = null;
  let incoming: IncomingColumns | null = null;
  let incomingMatch: ExistingColumns | null = null;
  let existing: ExistingColumns | ExistingColumnFile;
  let loadMs: number | null = null;
  let loadedMs = 0;
  // CPU time of the process (every thread) in the compared stages: a busy machine stretches wall
  // time by how many threads it runs, CPU time much less.
  let cpuStart = process.cpuUsage();
  let cpuLoad: NodeJS.CpuUsage | null = null;
  let cpuMatch: NodeJS.CpuUsage | null = null;
  const loadPopulation = async (path: string) => {
    const f = await readColumnFileAsync(path, { shared: true, maxRows: size });
    return { length: f.header.rows, ...f.columns } as unknown as MemberColumns;
  };
  if (savedPopulation && incomingFile && existsSync(incomingFile)) {
    // The existing records stay in the file: the workers read their ranges as they scan.
    const t = performance.now();
    cpuStart = process.cpuUsage();
    existing = await timed('open population (the scan reads it)', options.existing, () => {
      const { ranges } = columnFileLayout(savedPopulation, {
        columns: matchColumns,
        maxRows: options.existing,
      });
      const at = (name: string) => ranges.find((r) => r.name === name)!.offset;
      return {
        path: savedPopulation,
        length: options.existing,
        offsets: { myNumber: at('myNumber'), birthDays: at('birthDays'), kanaId: at('kanaId') },
      };
    });
    incomingMatch = await timed('load incoming', options.incoming, async () => {
      const f = await readColumnFileAsync(incomingFile, { shared: true, columns: matchColumns });
      return { length: f.header.rows, ...f.columns } as unknown as ExistingColumns;
    });
    loadedMs += performance.now() - t;
    cpuLoad = process.cpuUsage(cpuStart);
  } else {
    if (savedPopulation) {
      population = await timed('load population', size, () => loadPopulation(savedPopulation));
    } else {
      const generated = await timed('generate population', size, () =>
        generatePopulationColumns(
          {
            seed: options.seed,
            size,
            asOf: options.asOf,
            workers: options.generateWorkers ?? options.workers,
          },
          (done) => hooks.progress?.(done),
        ),
      );
      population = generated;
      if (populationFile) {
        mkdirSync(options.dataDir!, { recursive: true });
        await timed('save population', size, () => {
          const { myNumber, birthDays, kanaId, sex, insurer, household } = generated;
          const meta = { seed: options.seed, asOf: options.asOf, size };
          writeColumnFile(
            populationFile,
            'population',
            size,
            { myNumber, birthDays, kanaId, sex, insurer, household },
            meta,
          );
        });
      }
    }
    const from = population;
    const generated = await timed('generate incoming', options.incoming, () => {
      const cols = allocateIncomingColumns(options.incoming, true);
      fillIncomingColumns({ ...options, model }, from, cols);
      return cols;
    });
    incoming = generated;
    if (incomingFile) {
      await timed('save incoming', options.incoming, () => {
        const columns = Object.fromEntries(
          Object.keys(INCOMING_COLUMN_TYPES).map((name) => [
            name,
            generated[name as keyof typeof INCOMING_COLUMN_TYPES],
          ]),
        );
        writeColumnFile(incomingFile, 'incoming', options.incoming, columns, { key, model });
      });
    }
    existing = view(population, options.existing);
  }
  const source: 'loaded' | 'generated' = population === null ? 'loaded' : 'generated';
  if (source === 'loaded') loadMs = loadedMs;
  incomingMatch ??= {
    length: incoming!.length,
    myNumber: incoming!.myNumber,
    birthDays: incoming!.birthDays,
    kanaId: incoming!.kanaId,
  };
  /** After the compared match: every column, for the core rule, J-LIS and DuckDB's Parquet. */
  const loadTheRest = async (): Promise<{
    population: MemberColumns;
    incoming: IncomingColumns;
  }> => {
    if (population && incoming) return { population, incoming };
    const file = incomingFile as string;
    const others = columnFileLayout(file)
      .header.columns.map((c) => c.name)
      .filter((name) => !matchColumns.includes(name));
    const [p, rest] = await Promise.all([
      loadPopulation(savedPopulation as string),
      readColumnFileAsync(file, { shared: true, columns: others }),
    ]);
    population = p;
    incoming = { ...incomingMatch, ...rest.columns } as unknown as IncomingColumns;
    return { population, incoming };
  };

  const pool = createMatchingPool({ workers: options.workers });
  const eraList = [
    { asOf: options.asOf, policy: options.policy, label: 'this run (--as-of, --policy)' },
    ...(options.eras === 'primary'
      ? []
      : POLICY_ERAS.filter((e) => e.asOf !== options.asOf || e.policy !== options.policy)),
  ];
  const eras: EraResult[] = [];
  let matched;
  try {
    // Thread start-up is outside the match, as DuckDB's instance start-up is outside its figures.
    await timed('start workers', 0, () => pool.warm());
    for (const [k, era] of eraList.entries()) {
      const primary = k === 0;
      const suffix = primary ? '' : ` (${era.asOf} ${era.policy})`;
      if (primary) cpuStart = process.cpuUsage();
      const result = await timed(`match${suffix}`, options.existing + options.incoming, () =>
        pool.classifyColumns({
          existing,
          incoming: incomingMatch,
          asOf: era.asOf,
          policy: era.policy === 'current' ? CURRENT_POLICY : SEED_POLICY,
          onProgress: (scanned) => hooks.progress?.(scanned),
        }),
      );
      const matchMs = stages[stages.length - 1]!.ms;
      if (primary) {
        matched = result;
        cpuMatch = process.cpuUsage(cpuStart);
      }
      const { population, incoming } =
        source === 'loaded' && primary
          ? await timed('load the other columns (not compared)', size, loadTheRest)
          : await loadTheRest();
      const finish = await timed(`core rule + J-LIS${suffix}`, options.incoming, () =>
        finishWithCore(
          result.outcomes.code,
          incoming,
          population,
          options.existing,
          options.seed,
          era.asOf,
          era.policy === 'current' ? CURRENT_POLICY : SEED_POLICY,
        ),
      );
      const coreMs = stages[stages.length - 1]!.ms;
      const evaluation = evaluate(
        incoming.mechanism,
        incoming.changes,
        finish.codes,
        finish.queried,
        incoming.length,
      );
      const linkage = await timed(`Fellegi–Sunter${suffix}`, options.incoming, () =>
        linkageSecondOpinion({
          incoming,
          population,
          existing: options.existing,
          queried: finish.queried,
          codes: finish.codes,
          seed: options.seed,
        }),
      );
      const outcomes: Record<string, number> = {};
      for (const o of evaluation.outcomes) outcomes[o.code] = o.rows;
      eras.push({
        ...era,
        primary,
        matchMs,
        coreMs,
        coreAgreement: {
          rows: incoming.length,
          disagreements: finish.disagreements,
          first: finish.firstDisagreement,
        },
        outcomes,
        evaluation,
        linkage,
      });
    }
  } finally {
    await pool.close();
  }
  matched = matched!;
  const primaryEra = eras[0]!;
  const matchMs = primaryEra.matchMs;
  const evaluation = primaryEra.evaluation;
  const outcomes = primaryEra.outcomes;

  const report: MismatchReport = {
    kind: 'shikaku-mismatch-simulation',
    parameters: { ...options, populationSize: size },
    machine: {
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryBytes: totalmem(),
      node: process.version,
    },
    stages,
    engine: {
      source,
      loadMs,
      matchMs,
      endToEndMs: loadMs === null ? null : loadMs + matchMs,
      cpuMs:
        cpuLoad === null || cpuMatch === null
          ? null
          : (cpuLoad.user + cpuLoad.system + cpuMatch.user + cpuMatch.system) / 1000,
      matches: matched.matches,
      files:
        source === 'loaded'
          ? { population: savedPopulation as string, incoming: incomingFile as string }
          : null,
      recordsPerSecond: ((options.existing + options.incoming) / matchMs) * 1000,
      timings: matched.timings,
      stageCpu: matched.cpu,
    },
    peakRssBytes: peakRss(),
    model,
    outcomes,
    jlisQueried: evaluation.jlisQueries,
    evaluation,
    eras,
  };

  if (options.compareDuckdb) {
    if (!options.dataDir) throw new Error('compareDuckdb needs dataDir for its Parquet files');
    hooks.stage?.('duckdb', 0);
    const all = await loadTheRest();
    const duck = await classifyInDuckdb({
      existing: view(all.population, options.existing),
      incoming: incomingMatch,
      asOf: options.asOf,
      policy,
      threads: options.workers,
      dir: options.dataDir,
      key,
    });
    stages.push({
      name: 'duckdb prepare (not timed against)',
      ms: duck.prepareMs,
      records: size,
      recordsPerSecond: 0,
    });
    stages.push({
      name: 'duckdb load',
      ms: duck.loadMs,
      records: options.existing + options.incoming,
      recordsPerSecond: 0,
    });
    stages.push({
      name: 'duckdb match',
      ms: duck.matchMs,
      records: options.existing + options.incoming,
      recordsPerSecond: 0,
    });
    const ours = countOutcomes(matched.outcomes);
    const codes = new Set([...Object.keys(ours), ...Object.keys(duck.counts)]);
    const agrees = [...codes].every(
      (c) =>
        ours[c]?.rows === duck.counts[c]?.rows &&
        ours[c]?.conflictSum === duck.counts[c]?.conflictSum,
    );
    const endToEndMs = duck.loadMs + duck.matchMs;
    report.duckdb = {
      ...duck,
      agrees,
      endToEndMs,
      ratio: report.engine.endToEndMs === null ? null : report.engine.endToEndMs / endToEndMs,
    };
    report.peakRssBytes = peakRss();
  }
  return report;
}

export const OUTCOME_CODES = MIS_ENTRY_OUTCOMES;
