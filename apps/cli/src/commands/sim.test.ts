import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CliError } from '../output.js';
import { buildProgram } from '../program.js';
import { writeFileSync } from 'node:fs';
import { toMismatchOptions, type SimMismatchCliOptions } from './sim.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base: SimMismatchCliOptions = {
  existing: 1000,
  incoming: 100,
  seed: 1,
  workers: 1,
  asOf: '2021-07-15',
  policy: 'seed',
  out: dir,
};

describe('shikaku sim mismatch', () => {
  it('rejects impossible options with a stable code', () => {
    expect(() => toMismatchOptions({ ...base, incoming: 0 })).toThrow(CliError);
    expect(() => toMismatchOptions({ ...base, workers: 0 })).toThrow(/--workers/);
    expect(() =>
      toMismatchOptions({ ...base, existing: 179_000_000, incoming: 2_000_000 }),
    ).toThrow(/≤ 180000000/);
    expect(() => toMismatchOptions({ ...base, compareDuckdb: true })).toThrow(/--data/);
  });

  it('takes the error model from a file, --rate and --error-scale, and refuses a bad one', () => {
    const file = join(dir, 'model.json');
    writeFileSync(file, JSON.stringify({ byInsurerType: { kokuho: { error: 0.001 } } }));
    const o = toMismatchOptions({
      ...base,
      model: file,
      rate: ['kyokai.marriage=0.2', 'mechanisms.typo=0.5'],
      errorScale: 2,
    });
    expect(o.model!.byInsurerType.kokuho.error).toBe(0.002);
    expect(o.model!.byInsurerType.kyokai.marriage).toBe(0.2);
    expect(o.model!.mechanisms.typo).toBe(0.5);
    expect(o.eras).toBe('all');
    expect(() => toMismatchOptions({ ...base, rate: ['error=2'] })).toThrow(/0 to 1/);
    expect(() => toMismatchOptions({ ...base, rate: ['nope=0.1'] })).toThrow(CliError);
  });

  it('writes report.json and a self-contained report.html', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await buildProgram().parseAsync([
        'node',
        'shikaku',
        'sim',
        'mismatch',
        '--existing',
        '20000',
        '--incoming',
        '2000',
        '--workers',
        '1',
        '--no-progress',
        '--out',
        dir,
      ]);
    } finally {
      write.mockRestore();
    }
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.kind).toBe('shikaku-mismatch-simulation');
    expect(report.evaluation.rows).toBe(2000);
    expect(
      report.eras.every(
        (e: { coreAgreement: { disagreements: number } }) => e.coreAgreement.disagreements === 0,
      ),
    ).toBe(true);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('new Chart(');
  });
});
