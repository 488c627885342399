import { parse } from 'csv-parse/sync';

export type BulkFormat = 'csv' | 'ndjson';

/** One record of a bulk file: its line number (1-based, as an editor shows it) and its fields. */
export type BulkRecord =
  | { line: number; ok: true; fields: Record<string, unknown> }
  | { line: number; ok: false; code: string; message: string };

const decoder = new TextDecoder();

/** The field names of a CSV file's header row (UTF-8, BOM allowed), trimmed. */
export function parseCsvHeader(bytes: Uint8Array): string[] {
  const rows = parse(decoder.decode(bytes), { bom: true, relax_column_count: true }) as string[][];
  return (rows[0] ?? []).map((name) => name.trim());
}

/**
 * The records of a chunk of whole lines of a bulk file that starts at line `firstLine`: CSV rows
 * (fields named by `columns`, the header's names) or NDJSON lines (one JSON object each; a broken
 * line is reported and the rest go on). Empty lines are skipped.
 */
export function parseRecords(
  bytes: Uint8Array,
  format: BulkFormat,
  columns: readonly string[] | null,
  firstLine: number,
): BulkRecord[] {
  const text = decoder.decode(bytes);
  if (format === 'ndjson') return parseNdjson(text, firstLine);
  const names = columns ?? [];
  return text.includes('"')
    ? parseCsv(text, names, firstLine)
    : parsePlainCsv(text, names, firstLine);
}

/** Any CSV, by csv-parse: quoted fields, doubled quotes, newlines in fields, broken records. */
export function parseCsv(
  text: string,
  columns: readonly string[],
  firstLine: number,
): BulkRecord[] {
  const broken: BulkRecord[] = [];
  const parsed = parse(text, {
    columns: [...columns],
    skip_empty_lines: true,
    relax_column_count: true,
    trim: true,
    info: true,
    // A malformed record (a stray quote) is reported and skipped; the rest go on.
    skip_records_with_error: true,
    on_skip: (error) => {
      if (!error) return undefined;
      broken.push({
        line: firstLine - 1 + Number(error.lines),
        ok: false,
        code: 'INVALID_CSV',
        message: `the line is not valid CSV: ${error.message}`,
      });
      return undefined;
    },
  }) as Array<{ record: Record<string, string>; info: { lines: number } }>;
  const records: BulkRecord[] = parsed.map((item) => ({
    line: firstLine - 1 + item.info.lines,
    ok: true,
    fields: item.record,
  }));
  return broken.length === 0 ? records : [...records, ...broken].sort((a, b) => a.line - b.line);
}

const BLANK = /^[ \t\r]*$/;

/**
 * CSV without a double quote anywhere: every line is one record and every comma a separator, so
 * a split is the whole parse (five times faster than the general parser, which a test holds it
 * equal to on such text). Blank lines are skipped and fields trimmed, as parseCsv does.
 */
function parsePlainCsv(text: string, columns: readonly string[], firstLine: number): BulkRecord[] {
  const records: BulkRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (BLANK.test(line)) continue;
    const values = line.split(',');
    const fields: Record<string, string> = {};
    const count = Math.min(columns.length, values.length);
    for (let c = 0; c < count; c++) fields[columns[c]!] = values[c]!.trim();
    records.push({ line: firstLine + i, ok: true, fields });
  }
  return records;
}

function parseNdjson(text: string, firstLine: number): BulkRecord[] {
  const records: BulkRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = firstLine + i;
    const body = lines[i]!.trim();
    if (body === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      records.push({ line, ok: false, code: 'INVALID_JSON', message: 'the line is not JSON' });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      records.push({
        line,
        ok: false,
        code: 'INVALID_JSON',
        message: 'each line is one JSON object',
      });
      continue;
    }
    records.push({ line, ok: true, fields: value as Record<string, unknown> });
  }
  return records;
}
