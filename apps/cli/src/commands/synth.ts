import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { allocateMemberColumns, fillMemberColumns } from '@shikaku/synth/columnar';
import { generateEligibilityFixtures } from '@shikaku/synth/fixtures';
import { writeColumnFile, writeCsv, writeNdjson, TextFileWriter } from '@shikaku/synth/files';
import {
  BULK_REGISTRATION_COLUMNS,
  generateIncomingRows,
  registrationRowOf,
  type BulkRegistrationRow,
  type LabelledRow,
} from '@shikaku/synth/incoming';
import { generateInstitutions, type SyntheticInstitution } from '@shikaku/synth/institutions';
import { generatePopulation, MAX_POPULATION } from '@shikaku/synth/population';
import { CliError, printJson } from '../output.js';
import { parseIntegerOption, parseIsoDateOption } from './options.js';

type Format = 'csv' | 'ndjson' | 'binary';

function checkSize(name: string, n: number): void {
  if (n < 0 || n > MAX_POPULATION) {
    throw new CliError('INVALID_OPTION', `${name} must be 0…${MAX_POPULATION}`, 2);
  }
}

function* rowsOnly(
  rows: Iterable<LabelledRow>,
  labels: TextFileWriter,
): Generator<BulkRegistrationRow> {
  let i = 0;
  for (const r of rows) {
    labels.write(`${i++},${r.pattern},${r.error},${r.subject}\n`);
    yield r.row;
  }
}

function writeRows<T extends object>(
  format: Format,
  path: string,
  columns: readonly (keyof T & string)[],
  rows: Iterable<T>,
): number {
  if (format === 'binary') throw new CliError('INVALID_OPTION', 'binary is for members only', 2);
  return format === 'csv' ? writeCsv(path, columns, rows) : writeNdjson(path, columns, rows);
}

export function registerSynthCommand(program: Command): void {
  const synth = program
    .command('synth')
    .description(
      'Write synthetic data files: members, incoming bulk registrations, fixtures, institutions',
    );
  const common = (c: Command) =>
    c
      .option('--seed <n>', 'seed', parseIntegerOption, 1)
      .option('--as-of <date>', 'date the data describes', parseIsoDateOption, '2024-06-01')
      .requiredOption('--out <file>', 'output file')
      .option('--json', 'print a JSON summary');

  common(
    synth
      .command('members')
      .description(
        'Registered members (the bulk registration columns); binary: the columnar file simulations load',
      )
      .option('--size <n>', 'persons', parseIntegerOption, 10_000)
      .addOption(
        new Option('--format <f>', 'file format')
          .choices(['csv', 'ndjson', 'binary'])
          .default('csv'),
      ),
  ).action(
    (o: {
      seed: number;
      asOf: string;
      out: string;
      size: number;
      format: Format;
      json?: boolean;
    }) => {
      checkSize('--size', o.size);
      const out = resolve(o.out);
      const options = { seed: o.seed, size: o.size, asOf: o.asOf };
      let rows = o.size;
      if (o.format === 'binary') {
        const cols = allocateMemberColumns(o.size);
        fillMemberColumns(options, 0, o.size, cols);
        const { myNumber, birthDays, kanaId, sex, insurer } = cols;
        writeColumnFile(
          out,
          'population',
          o.size,
          { myNumber, birthDays, kanaId, sex, insurer },
          options,
        );
      } else {
        const source = (function* () {
          for (const p of generatePopulation(options)) yield registrationRowOf(p);
        })();
        rows = writeRows(o.format, out, BULK_REGISTRATION_COLUMNS, source);
      }
      report(o.json, { file: out, rows, format: o.format });
    },
  );

  common(
    synth
      .command('incoming')
      .description(
        'A bulk registration file with injected error patterns; ground truth in <out>.labels.csv',
      )
      .option('--existing <n>', 'persons already registered', parseIntegerOption, 100_000)
      .option('--incoming <n>', 'rows in the file', parseIntegerOption, 10_000)
      .addOption(
        new Option('--format <f>', 'file format').choices(['csv', 'ndjson']).default('csv'),
      ),
  ).action(
    (o: {
      seed: number;
      asOf: string;
      out: string;
      existing: number;
      incoming: number;
      format: Format;
      json?: boolean;
    }) => {
      checkSize('--existing + --incoming', o.existing + o.incoming);
      const out = resolve(o.out);
      const labels = new TextFileWriter(`${out}.labels.csv`);
      labels.write('row,pattern,error,subject\n');
      let rows: number;
      try {
        const source = generateIncomingRows({
          seed: o.seed,
          existing: o.existing,
          incoming: o.incoming,
          asOf: o.asOf,
        });
        rows = writeRows(o.format, out, BULK_REGISTRATION_COLUMNS, rowsOnly(source, labels));
      } finally {
        labels.close();
      }
      report(o.json, { file: out, labels: `${out}.labels.csv`, rows, format: o.format });
    },
  );

  common(
    synth
      .command('fixtures')
      .description(
        'Eligibility load-test fixtures (card numbers, birth dates, certificate serials, institution codes; no My Number)',
      )
      .option('--size <n>', 'persons', parseIntegerOption, 10_000),
  ).action((o: { seed: number; asOf: string; out: string; size: number; json?: boolean }) => {
    checkSize('--size', o.size);
    const out = resolve(o.out);
    const fixtures = generateEligibilityFixtures({ seed: o.seed, size: o.size, asOf: o.asOf });
    const file = new TextFileWriter(out);
    file.write(JSON.stringify(fixtures));
    file.close();
    report(o.json, {
      file: out,
      members: fixtures.members.length,
      institutions: fixtures.institutions.length,
    });
  });

  common(
    synth
      .command('institutions')
      .description('Hospitals, clinics, dental clinics and pharmacies with valid institution codes')
      .option('--scale <x>', 'fraction of the national counts (1 = 242,662)', Number, 0.01)
      .addOption(
        new Option('--format <f>', 'file format').choices(['csv', 'ndjson']).default('csv'),
      ),
  ).action((o: { seed: number; out: string; scale: number; format: Format; json?: boolean }) => {
    if (!(o.scale > 0 && o.scale <= 1))
      throw new CliError('INVALID_OPTION', '--scale must be in (0, 1]', 2);
    const out = resolve(o.out);
    const list = generateInstitutions({ seed: o.seed, scale: o.scale });
    const columns: (keyof SyntheticInstitution)[] = [
      'institutionCode',
      'facilityType',
      'prefecture',
      'name',
      'address',
      'postNumber',
      'largeChainPharmacy',
    ];
    const rows = writeRows(o.format, out, columns, list);
    report(o.json, { file: out, rows, format: o.format });
  });
}

function report(json: boolean | undefined, summary: Record<string, unknown>): void {
  if (json) printJson(summary);
  else
    process.stdout.write(
      `${Object.entries(summary)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}\n`,
    );
}
