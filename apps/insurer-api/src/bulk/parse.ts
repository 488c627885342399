import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';

export type BulkFormat = 'csv' | 'ndjson';

/** One record of a bulk file: its line number (1-based, as an editor shows it) and its fields. */
export type BulkRecord =
  | { line: number; ok: true; fields: Record<string, unknown> }
  | { line: number; ok: false; code: string; message: string };

/**
 * Streams the records of a CSV file (header row of field names; UTF-8, BOM allowed) or an NDJSON
 * file (one JSON object per line). A broken line is reported and the file goes on.
 */
export async function* readBulkRecords(
  input: Readable,
  format: BulkFormat,
): AsyncGenerator<BulkRecord> {
  if (format === 'ndjson') {
    let line = 0;
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      line++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        yield { line, ok: false, code: 'INVALID_JSON', message: 'the line is not JSON' };
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        yield { line, ok: false, code: 'INVALID_JSON', message: 'each line is one JSON object' };
        continue;
      }
      yield { line, ok: true, fields: value as Record<string, unknown> };
    }
    return;
  }
  const parser = input.pipe(
    parse({
      columns: (header: string[]) => header.map((h) => h.trim()),
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
      skip_records_with_error: false,
    }),
  );
  for await (const item of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number; invalid_field_length: number };
  }>) {
    yield { line: item.info.lines, ok: true, fields: item.record };
  }
}
