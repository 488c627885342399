import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readRecordChunks } from './chunks.js';
import type { BulkFormat } from './parse.js';
import { parseCsvHeader, parseRecords } from './parse.js';

/** The input cut into pieces of `size` bytes, as a socket might deliver it. */
function pieces(text: string, size: number): Readable {
  const bytes = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

async function chunksOf(text: string, format: BulkFormat, perChunk: number, pieceSize: number) {
  const out = [];
  for await (const chunk of readRecordChunks(pieces(text, pieceSize), format, perChunk)) {
    out.push({ text: chunk.bytes.toString(), firstLine: chunk.firstLine, lines: chunk.lines });
  }
  return out;
}

/** Every record of a file, parsed chunk by chunk, with the line the parser reports. */
async function recordsOf(text: string, format: BulkFormat, perChunk: number, pieceSize: number) {
  const chunks = await chunksOf(text, format, perChunk, pieceSize);
  let columns: string[] | null = null;
  const records = [];
  for (const chunk of chunks) {
    const bytes = Buffer.from(chunk.text);
    if (format === 'csv' && columns === null) {
      columns = parseCsvHeader(bytes);
      continue;
    }
    records.push(...parseRecords(bytes, format, columns, chunk.firstLine));
  }
  return records;
}

const CSV = [
  'a,b',
  '1,x',
  '2,"multi',
  'line ""quoted"" field"',
  '',
  '3,y',
  '4,"z, with comma"',
  '5,last',
].join('\n');

describe('readRecordChunks', () => {
  it('cuts only between records, keeps every byte, and numbers lines as the file does', async () => {
    for (const perChunk of [1, 2, 3, 100]) {
      for (const pieceSize of [1, 3, 7, 1000]) {
        const chunks = await chunksOf(CSV, 'csv', perChunk, pieceSize);
        expect(chunks.map((c) => c.text).join('')).toBe(CSV);
        // The header is a chunk of its own.
        expect(chunks[0]).toEqual({ text: 'a,b\n', firstLine: 1, lines: 1 });
        for (let i = 1; i < chunks.length; i++) {
          const before = chunks[i - 1]!;
          expect(chunks[i]!.firstLine).toBe(before.firstLine + before.lines);
        }
        const last = chunks[chunks.length - 1]!;
        expect(last.firstLine + last.lines - 1).toBe(CSV.split('\n').length);

        const records = await recordsOf(CSV, 'csv', perChunk, pieceSize);
        expect(records.map((r) => [r.line, r.ok && r.fields.a])).toEqual([
          [2, '1'],
          [4, '2'],
          [6, '3'],
          [7, '4'],
          [8, '5'],
        ]);
        expect(records[1]).toMatchObject({ fields: { b: 'multi\nline "quoted" field' } });
      }
    }
  });

  it('keeps a quoted newline inside its chunk', async () => {
    const chunks = await chunksOf(CSV, 'csv', 1, 5);
    expect(chunks.map((c) => c.text)).toContain('2,"multi\nline ""quoted"" field"\n');
  });

  it('handles CRLF, a BOM and a file without a final newline', async () => {
    const text = '\uFEFFa,b\r\n1,x\r\n2,y';
    const records = await recordsOf(text, 'csv', 1, 4);
    expect(records).toEqual([
      { line: 2, ok: true, fields: { a: '1', b: 'x' } },
      { line: 3, ok: true, fields: { a: '2', b: 'y' } },
    ]);
  });

  it('ends a stray quote after a bounded number of lines instead of swallowing the file', async () => {
    const good = Array.from({ length: 300 }, (_, i) => `${i},ok`);
    const text = ['a,b', '0,"broken', ...good].join('\n') + '\n';
    const records = await recordsOf(text, 'csv', 50, 4096);
    const parsed = records.filter((r) => r.ok);
    const broken = records.filter((r) => !r.ok);
    expect(broken.length).toBeGreaterThan(0);
    expect(broken[0]).toMatchObject({ code: 'INVALID_CSV' });
    // Lines after the swallowed ones are registered again, with their own line numbers.
    expect(parsed.length).toBeGreaterThan(150);
    const lastGood = parsed[parsed.length - 1]!;
    expect(lastGood).toMatchObject({ line: 302, fields: { a: '299', b: 'ok' } });
  });

  it('cuts NDJSON at every newline, whatever quotes the JSON holds', async () => {
    const text = ['{"a":"x\\"y"}', '', '{"a":"\\""}', 'not json', '{"a":3}'].join('\n');
    for (const pieceSize of [1, 5, 100]) {
      const chunks = await chunksOf(text, 'ndjson', 2, pieceSize);
      expect(chunks.map((c) => c.text).join('')).toBe(text);
      const records = await recordsOf(text, 'ndjson', 2, pieceSize);
      expect(records.map((r) => [r.line, r.ok])).toEqual([
        [1, true],
        [3, true],
        [4, false],
        [5, true],
      ]);
    }
  });
});
