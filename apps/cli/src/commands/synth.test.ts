import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { isValidMyNumber } from '@shikaku/core/my-number';
import { readColumnFile } from '@shikaku/synth/files';
import { BULK_REGISTRATION_COLUMNS } from '@shikaku/synth/incoming';
import { buildProgram } from '../program.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-synth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<void> {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await buildProgram().parseAsync(['node', 'shikaku', ...args]);
  } finally {
    write.mockRestore();
  }
}

describe('shikaku synth', () => {
  it('members: CSV with the bulk registration columns and valid My Numbers', async () => {
    const out = join(dir, 'members.csv');
    await run('synth', 'members', '--size', '500', '--seed', '2', '--out', out);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(BULK_REGISTRATION_COLUMNS.join(','));
    expect(lines).toHaveLength(501);
    expect(isValidMyNumber(lines[1]!.split(',')[0]!)).toBe(true);
  });

  it('members: the binary column file simulations load', async () => {
    const out = join(dir, 'members.cols');
    await run('synth', 'members', '--size', '300', '--format', 'binary', '--out', out);
    const file = readColumnFile(out);
    expect(file.header.rows).toBe(300);
    expect(Object.keys(file.columns)).toEqual([
      'myNumber',
      'birthDays',
      'kanaId',
      'sex',
      'insurer',
    ]);
  });

  it('incoming: NDJSON rows and a ground-truth label per row', async () => {
    const out = join(dir, 'incoming.ndjson');
    await run(
      'synth',
      'incoming',
      '--existing',
      '2000',
      '--incoming',
      '300',
      '--format',
      'ndjson',
      '--out',
      out,
    );
    const rows = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(rows).toHaveLength(300);
    expect(Object.keys(rows[0]!)).toEqual([...BULK_REGISTRATION_COLUMNS]);
    const labels = readFileSync(`${out}.labels.csv`, 'utf8').trimEnd().split('\n');
    expect(labels[0]).toBe('row,pattern,error,subject');
    expect(labels).toHaveLength(301);
  });

  it('fixtures: no My Number anywhere', async () => {
    const members = join(dir, 'm.csv');
    await run('synth', 'members', '--size', '200', '--seed', '9', '--out', members);
    const numbers = readFileSync(members, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]!);
    const out = join(dir, 'fixtures.json');
    await run('synth', 'fixtures', '--size', '200', '--seed', '9', '--out', out);
    const text = readFileSync(out, 'utf8');
    expect(JSON.parse(text).members).toHaveLength(200);
    for (const n of numbers) expect(text).not.toContain(n);
  });

  it('institutions: CSV with valid codes', async () => {
    const out = join(dir, 'inst.csv');
    await run('synth', 'institutions', '--scale', '0.001', '--out', out);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toContain('institutionCode');
    expect(lines.length).toBeGreaterThan(200);
  });
});
