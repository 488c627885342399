import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allocateMemberColumns, fillMemberColumns, MEMBER_COLUMN_NAMES } from './columnar.js';
import {
  columnFileLayout,
  csvField,
  readColumnFile,
  readColumnFileAsync,
  timeRawColumnRead,
  writeColumnFile,
  writeCsv,
  writeNdjson,
} from './files.js';
import { CHUNK_SIZE } from './population.js';

const dir = mkdtempSync(join(tmpdir(), 'synth-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('column files', () => {
  it('round-trip typed columns (onto shared memory when asked), with the header', () => {
    const a = new Float64Array([123456789018, 2, 3.5]);
    const b = new Int32Array([-7, 0, 2 ** 31 - 1]);
    const c = new Uint8Array([1, 2, 3, 9]);
    const path = join(dir, 'x.cols');
    writeColumnFile(path, 'members', 3, { a, b, c }, { seed: 1 });
    const file = readColumnFile(path, true);
    expect(file.header.kind).toBe('members');
    expect(file.header.meta).toEqual({ seed: 1 });
    expect([...file.columns.a!]).toEqual([...a]);
    expect([...file.columns.b!]).toEqual([...b]);
    expect([...file.columns.c!]).toEqual([1, 2, 3]);
    expect(file.columns.a!.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (const col of file.header.columns) expect(col.offset % 8).toBe(0);
    const prefix = readColumnFile(path, false, 2);
    expect(prefix.header.rows).toBe(2);
    expect([...prefix.columns.b!]).toEqual([-7, 0]);
  });

  it('the async loader gives byte-identical columns to readColumnFile on a seeded population (all, some, a prefix)', async () => {
    const options = { seed: 3, size: 2 * CHUNK_SIZE + 777, asOf: '2021-07-15' };
    const members = allocateMemberColumns(options.size);
    fillMemberColumns(options, 0, options.size, members);
    const path = join(dir, 'population.cols');
    const { length: _, ...columns } = members;
    writeColumnFile(path, 'population', options.size, columns, { seed: 3 });
    const bytes = (a: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }) =>
      Buffer.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    const cases = [
      {},
      { columns: ['myNumber', 'birthDays', 'kanaId'] },
      { columns: ['kanaId', 'sex'], maxRows: CHUNK_SIZE + 5 },
    ];
    for (const c of cases) {
      const old = readColumnFile(path, true, c.maxRows, c.columns);
      // Small blocks: many reads in flight, each landing in its place.
      const fast = await readColumnFileAsync(path, { shared: true, blockBytes: 4096, ...c });
      expect(fast.header).toEqual(old.header);
      expect(Object.keys(fast.columns)).toEqual(c.columns ?? MEMBER_COLUMN_NAMES);
      for (const [name, a] of Object.entries(old.columns)) {
        expect(bytes(fast.columns[name]!).equals(bytes(a)), name).toBe(true);
        const rows = c.maxRows ?? options.size;
        const source = members[name as keyof typeof columns];
        expect(bytes(a).equals(bytes(source.subarray(0, rows))), name).toBe(true);
        expect(fast.columns[name]!.buffer).toBeInstanceOf(SharedArrayBuffer);
      }
      const layout = columnFileLayout(path, c);
      expect(timeRawColumnRead(path, c).bytes).toBe(
        layout.ranges.reduce((sum, r) => sum + r.byteLength, 0),
      );
    }
    await expect(readColumnFileAsync(path, { columns: ['nope'] })).rejects.toThrow(
      /no column nope/,
    );
  });

  it('refuses a file that is not a column file', () => {
    const path = join(dir, 'bad.cols');
    writeCsv(path, ['x'], [{ x: 'hello world, not columns' }]);
    expect(() => readColumnFile(path)).toThrow(/not a shikaku column file/);
  });
});

describe('text writers', () => {
  it('quote CSV fields per RFC 4180 and write NDJSON with the chosen keys', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
    const rows = [{ k: 'サトウ\u3000タロウ', v: 'x,y', extra: 1 }];
    const csv = join(dir, 'r.csv');
    writeCsv(csv, ['k', 'v'], rows);
    expect(readFileSync(csv, 'utf8')).toBe('k,v\nサトウ\u3000タロウ,"x,y"\n');
    const nd = join(dir, 'r.ndjson');
    writeNdjson(nd, ['v', 'k'], rows);
    expect(JSON.parse(readFileSync(nd, 'utf8'))).toEqual({ v: 'x,y', k: 'サトウ\u3000タロウ' });
  });
});
