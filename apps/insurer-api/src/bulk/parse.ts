import { parse } from 'csv-parse/sync';

export type BulkFormat = 'csv' | 'ndjson';

/** One record of a bulk file: its line number (1-based, as an editor shows it) and its fields. */
export type BulkRecord =
  | { line: number; ok: true; fields: Record<string, unknown> }
  | { line: number; ok: false; code: string; message: string };

/** The encodings a bulk file may declare (`; charset=` of its Content-Type); UTF-8 by default. */
export const BULK_ENCODINGS: Readonly<Record<string, string>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  shift_jis: 'shift_jis',
  'shift-jis': 'shift_jis',
  sjis: 'shift_jis',
  'x-sjis': 'shift_jis',
  ms932: 'shift_jis',
  'windows-31j': 'shift_jis',
  cp932: 'shift_jis',
};

const NEWLINE = 0x0a;

/**
 * The text of a chunk of whole lines in `encoding`. A line that is not valid in it (a Shift_JIS
 * line in a UTF-8 file) becomes an empty line, so the parsers skip it and the other lines keep
 * their numbers, and is listed as INVALID_ENCODING.
 */
export function decodeLines(
  bytes: Uint8Array,
  encoding: string,
  firstLine: number,
): { text: string; bad: BulkRecord[] } {
  try {
    return { text: new TextDecoder(encoding, { fatal: true }).decode(bytes), bad: [] };
  } catch {
    // Some line is not valid: decode line by line (a newline byte is never inside a character
    // of UTF-8 or Shift_JIS) to say which.
  }
  const decoder = new TextDecoder(encoding, { fatal: true });
  const lines: string[] = [];
  const bad: BulkRecord[] = [];
  let start = 0;
  for (let i = 0; start <= bytes.length; i++) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0) end = bytes.length;
    try {
      lines.push(decoder.decode(bytes.subarray(start, end)));
    } catch {
      lines.push('');
      bad.push({
        line: firstLine + i,
        ok: false,
        code: 'INVALID_ENCODING',
        message:
          encoding === 'utf-8'
            ? 'the line is not UTF-8 (a Shift_JIS file is sent with Content-Type charset=shift_jis)'
            : `the line is not ${encoding}`,
      });
    }
    start = end + 1;
  }
  return { text: lines.join('\n'), bad };
}

/** The field names of a CSV file's header row (BOM allowed), trimmed; null when it is not CSV. */
export function parseCsvHeader(bytes: Uint8Array, encoding = 'utf-8'): string[] | null {
  const { text, bad } = decodeLines(bytes, encoding, 1);
  if (bad.length > 0) return null;
  try {
    const rows = parse(text, { bom: true, relax_column_count: true }) as string[][];
    return (rows[0] ?? []).map((name) => name.trim());
  } catch {
    // A stray quote, or an NDJSON line sent as CSV.
    return null;
  }
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
  encoding = 'utf-8',
): BulkRecord[] {
  const { text, bad } = decodeLines(bytes, encoding, firstLine);
  const names = columns ?? [];
  const records =
    format === 'ndjson'
      ? parseNdjson(text, firstLine)
      : text.includes('"')
        ? parseCsv(text, names, firstLine)
        : parsePlainCsv(text, names, firstLine);
  return bad.length === 0 ? records : [...records, ...bad].sort((a, b) => a.line - b.line);
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
