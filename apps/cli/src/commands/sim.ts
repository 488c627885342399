import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Estimate } from '@shikaku/sim-mismatch/evaluate';
import type { MismatchOptions, MismatchReport } from '@shikaku/sim-mismatch/simulation';
import { readFileSync } from 'node:fs';
import {
  cloneErrorModel,
  DEFAULT_ERROR_MODEL,
  ErrorModelError,
  INSURER_TYPES_FOR_RATES,
  mergeErrorModel,
  setRate,
  type ErrorModel,
} from '@shikaku/synth/error-model';
import { MAX_POPULATION } from '@shikaku/synth/population';
import { CliError, printJson } from '../output.js';
import { parseIntegerOption, parseIsoDateOption } from './options.js';

export interface SimMismatchCliOptions {
  existing: number;
  incoming: number;
  seed: number;
  workers: number;
  asOf: string;
  policy: 'seed' | 'current';
  out: string;
  data?: string;
  compareDuckdb?: boolean;
  json?: boolean;
  progress?: boolean;
  /** A JSON model file laid over the defaults. */
  model?: string;
  /** `path=value` rates, applied after the model file. */
  rate?: string[];
  /** Multiplies every insurer type's error rate (after --model and --rate). */
  errorScale?: number;
  eras?: 'all' | 'primary';
}

/** The error model from --model, --rate and --error-scale; throws CliError on a bad one. */
export function errorModelOf(
  o: Pick<SimMismatchCliOptions, 'model' | 'rate' | 'errorScale'>,
): ErrorModel {
  try {
    let model = cloneErrorModel(DEFAULT_ERROR_MODEL);
    if (o.model)
      model = mergeErrorModel(model, JSON.parse(readFileSync(o.model, 'utf8')) as unknown);
    for (const r of o.rate ?? []) {
      const [path, value] = r.split('=');
      if (!path || value === undefined || value.trim() === '' || !Number.isFinite(Number(value))) {
        throw new ErrorModelError(`--rate needs path=number, got ${r}`);
      }
      setRate(model, path, Number(value));
    }
    if (o.errorScale !== undefined) {
      for (const type of INSURER_TYPES_FOR_RATES) {
        setRate(
          model,
          `${type}.error`,
          Math.min(1, model.byInsurerType[type].error * o.errorScale),
        );
      }
    }
    return model;
  } catch (err) {
    if (err instanceof ErrorModelError || err instanceof SyntaxError) {
      throw new CliError('INVALID_OPTION', `error model: ${err.message}`, 2);
    }
    throw err;
  }
}

/** Validates the options and maps them to the simulation's; throws CliError with the field. */
export function toMismatchOptions(o: SimMismatchCliOptions): MismatchOptions {
  if (o.existing < 0) throw new CliError('INVALID_OPTION', '--existing must be ≥ 0', 2);
  if (o.incoming < 1) throw new CliError('INVALID_OPTION', '--incoming must be ≥ 1', 2);
  if (o.existing + o.incoming > MAX_POPULATION) {
    throw new CliError('INVALID_OPTION', `--existing + --incoming must be ≤ ${MAX_POPULATION}`, 2);
  }
  if (o.workers < 1) throw new CliError('INVALID_OPTION', '--workers must be ≥ 1', 2);
  if (o.compareDuckdb && !o.data) {
    throw new CliError(
      'INVALID_OPTION',
      '--compare-duckdb needs --data DIR (its Parquet files)',
      2,
    );
  }
  return {
    existing: o.existing,
    incoming: o.incoming,
    seed: o.seed,
    workers: o.workers,
    asOf: o.asOf,
    policy: o.policy,
    ...(o.data ? { dataDir: resolve(o.data) } : {}),
    ...(o.compareDuckdb ? { compareDuckdb: true } : {}),
    model: errorModelOf(o),
    eras: o.eras ?? 'all',
  };
}

/** One summary line per figure a QA reader looks for first. */
export function summarize(report: MismatchReport): string[] {
  const e = report.engine;
  const ci = (x: Estimate) =>
    x.value === null
      ? '—'
      : `${(x.value * 100).toFixed(2)}% [${((x.low ?? 0) * 100).toFixed(2)}–${((x.high ?? 0) * 100).toFixed(2)}]`;
  const lines = [
    `match: ${(e.matchMs / 1000).toFixed(2)} s (${Math.round(e.recordsPerSecond).toLocaleString('en-US')} records/s)` +
      (e.endToEndMs === null ? '' : `, load + match ${(e.endToEndMs / 1000).toFixed(2)} s`),
    `peak memory: ${(report.peakRssBytes / 2 ** 30).toFixed(2)} GiB`,
  ];
  for (const era of report.eras) {
    const v = era.evaluation;
    lines.push(
      `${era.asOf} ${era.policy}${era.primary ? ' (this run)' : ''}: ${v.errors} errors in ${v.rows} rows; ` +
        `precision ${ci(v.overall.precision)}, recall ${ci(v.overall.recall)}, ` +
        `false alarms ${((v.overall.falseAlarmRate.value ?? 0) * 10_000).toFixed(1)} / 10,000 right, ` +
        `J-LIS ${v.jlisQueriesPer10k.toFixed(0)} / 10,000; engine = core on ${era.coreAgreement.rows - era.coreAgreement.disagreements}/${era.coreAgreement.rows} rows`,
    );
    const missed = v.byMechanism
      .filter((m) => m.missed > 0)
      .map((m) => `${m.mechanism} ${m.missed}`);
    if (missed.length > 0) lines.push(`  missed: ${missed.join(', ')}`);
    const causes = v.falseAlarmsByCause
      .filter((c) => c.falseAlarms > 0)
      .slice(0, 4)
      .map((c) => `${c.cause} ${c.per10k.toFixed(1)}`);
    if (causes.length > 0) lines.push(`  false alarms / 10,000 by cause: ${causes.join(', ')}`);
    const fs = era.linkage.atRuleBudget;
    lines.push(
      `  Fellegi–Sunter at the rules' ${fs.budget} false alarms: precision ${ci(fs.precision)}, recall ${ci(fs.recall)}, ` +
        `flags ${fs.missesFlagged} of the rules' ${fs.rulesMissed} misses; own cut (weight < 0): precision ${ci(era.linkage.own.precision)}, recall ${ci(era.linkage.own.recall)}` +
        (era.linkage.atRuleRecall
          ? `; as many errors as the rules for ${era.linkage.atRuleRecall.falseAlarms} false alarms (rules ${v.overall.falsePositives})`
          : ''),
    );
  }
  if (report.duckdb) {
    const d = report.duckdb;
    lines.push(
      `DuckDB (${d.threads} threads): load ${(d.loadMs / 1000).toFixed(2)} s + match ${(d.matchMs / 1000).toFixed(2)} s = ${(d.endToEndMs / 1000).toFixed(2)} s; ` +
        `ours/DuckDB = ${d.ratio === null ? '— (run again to load the saved data)' : d.ratio.toFixed(3)}; outcomes agree: ${d.agrees}`,
    );
  }
  return lines;
}

export function registerSimCommand(program: Command): void {
  const sim = program
    .command('sim')
    .description(
      'Scale simulations: mis-entry matching over a national-scale synthetic population',
    );
  sim
    .command('mismatch')
    .description(
      'Run the My Number mis-entry checks over N existing records and M incoming registrations with injected errors; write a JSON + HTML report',
    )
    .option(
      '--existing <n>',
      'existing records in the intermediate server',
      parseIntegerOption,
      1_000_000,
    )
    .option('--incoming <n>', 'incoming registrations (the bulk file)', parseIntegerOption, 100_000)
    .option('--seed <n>', 'seed of the synthetic data', parseIntegerOption, 1)
    .option('--workers <n>', 'worker threads', parseIntegerOption, availableParallelism())
    .option(
      '--as-of <date>',
      'registration date the rules apply on',
      parseIsoDateOption,
      '2021-07-15',
    )
    .addOption(
      new Option('--policy <policy>', "seed: the seed's 2021 rules; current: later rules too")
        .choices(['seed', 'current'])
        .default('seed'),
    )
    .option('--out <dir>', 'where report.json and report.html go', 'sims/mismatch/out')
    .option('--data <dir>', 'keep the generated columns here and load them next time')
    .option('--compare-duckdb', 'also run the same classification in DuckDB over the same data')
    .option(
      '--model <file>',
      'error and change model (JSON, laid over the defaults; see docs/decisions.md)',
    )
    .option(
      '--rate <path=value>',
      'set one rate, e.g. error=0.001, kokuho.error=1e-4, mechanisms.typo=0.5, typoHitsPerson=0.01 (repeatable)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option(
      '--error-scale <x>',
      'multiply every error rate (more errors, tighter intervals)',
      Number,
    )
    .addOption(
      new Option('--eras <which>', "score every policy era or only this run's --as-of/--policy")
        .choices(['all', 'primary'])
        .default('all'),
    )
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the report as JSON')
    .action(async (options: SimMismatchCliOptions) => {
      const simOptions = toMismatchOptions(options);
      // The simulation's modules load only when it runs (`shikaku --help` stays light).
      const [{ SingleBar }, { renderReportHtml }, { runMismatchSimulation }] = await Promise.all([
        import('cli-progress'),
        import('@shikaku/sim-mismatch/report-html'),
        import('@shikaku/sim-mismatch/simulation'),
      ]);
      const bar = new SingleBar({
        format: '{stage} [{bar}] {percentage}% {value}/{total} | {duration_formatted}',
        stream: process.stderr,
        hideCursor: true,
        noTTYOutput: false,
      });
      let active = false;
      const report = await runMismatchSimulation(
        simOptions,
        options.progress === false
          ? {}
          : {
              stage: (name, total) => {
                if (active) bar.stop();
                bar.start(Math.max(total, 1), 0, { stage: name.padEnd(20) });
                active = true;
              },
              progress: (done) => bar.update(done),
            },
      ).finally(() => {
        if (active) bar.stop();
      });
      const out = resolve(options.out);
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
      writeFileSync(join(out, 'report.html'), renderReportHtml(report));
      if (options.json) printJson(report);
      else {
        for (const line of summarize(report)) process.stdout.write(`${line}\n`);
        process.stdout.write(`report: ${join(out, 'report.html')}\n`);
      }
    });
}
