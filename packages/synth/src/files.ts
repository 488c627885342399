import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Writers for the files the other parts read: CSV (RFC 4180, UTF-8, header row) and NDJSON for
 * the insurer API's bulk registration and fixtures, and a compact columnar binary format for
 * simulations:
 *
 *   "SHKCOLS1" | u32 LE header length | header JSON | zero padding to 8 | columns, each 8-aligned
 *
 * The header holds { kind, rows, meta, columns: [{ name, type, offset, byteLength }] }; a column is
 * the raw little-endian bytes of its typed array, so reading is one read per column straight into
 * (shared) memory.
 */
const MAGIC = 'SHKCOLS1';
const IO_BLOCK = 256 * 1024 * 1024;

export type ColumnArray = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;
const TYPES = {
  f64: Float64Array,
  i32: Int32Array,
  u32: Uint32Array,
  u16: Uint16Array,
  u8: Uint8Array,
} as const;
type TypeName = keyof typeof TYPES;

function typeNameOf(a: ColumnArray): TypeName {
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Uint16Array) return 'u16';
  return 'u8';
}

export interface ColumnFileHeader {
  kind: string;
  rows: number;
  meta: Record<string, unknown>;
  columns: { name: string; type: TypeName; offset: number; byteLength: number }[];
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/** Writes `rows` rows of each column (arrays may be longer) to `path`. */
export function writeColumnFile(
  path: string,
  kind: string,
  rows: number,
  columns: Record<string, ColumnArray>,
  meta: Record<string, unknown> = {},
): void {
  const entries = Object.entries(columns);
  const header: ColumnFileHeader = { kind, rows, meta, columns: [] };
  // Offsets depend on the header length, which depends on the offsets: fix the header size first.
  const draft = (base: number) => {
    let at = base;
    header.columns = entries.map(([name, a]) => {
      const byteLength = rows * a.BYTES_PER_ELEMENT;
      const c = { name, type: typeNameOf(a), offset: at, byteLength };
      at = align8(at + byteLength);
      return c;
    });
    return Buffer.from(JSON.stringify(header));
  };
  let json = draft(0);
  let base = align8(12 + json.length + 64);
  json = draft(base);
  base = align8(12 + json.length);
  json = draft(base);
  const fd = openSync(path, 'w');
  try {
    const head = Buffer.alloc(base);
    head.write(MAGIC, 0, 'latin1');
    head.writeUInt32LE(json.length, 8);
    json.copy(head, 12);
    writeSync(fd, head, 0, head.length, 0);
    entries.forEach(([, a], k) => {
      const { offset, byteLength } = header.columns[k]!;
      const bytes = new Uint8Array(a.buffer, a.byteOffset, byteLength);
      for (let done = 0; done < byteLength; done += IO_BLOCK) {
        const n = Math.min(IO_BLOCK, byteLength - done);
        writeSync(fd, bytes, done, n, offset + done);
      }
    });
  } finally {
    closeSync(fd);
  }
}

export interface ColumnFile {
  header: ColumnFileHeader;
  columns: Record<string, ColumnArray>;
}

/** Which columns to read, and onto what memory. */
export interface ReadColumnsOptions {
  /** Every column on its own SharedArrayBuffer (worker threads read it in place). */
  shared?: boolean;
  /** Only the first rows of each column (a prefix of a larger population). */
  maxRows?: number;
  /** Only these columns (default: all); the header still lists every column of the file. */
  columns?: readonly string[];
}

/** The async loader's options: how many reads are in flight and how big each is. */
export interface ReadColumnsAsyncOptions extends ReadColumnsOptions {
  /** Reads in flight at once (libuv's thread pool runs them; default 4, its default size). */
  concurrency?: number;
  /** Bytes per read (default 16 MiB). */
  blockBytes?: number;
}

export interface ColumnRange {
  name: string;
  type: TypeName;
  /** Where the (wanted prefix of the) column starts in the file, and its length. */
  offset: number;
  byteLength: number;
}

interface ColumnRead extends ColumnRange {
  bytes: Uint8Array;
}

/** A column file's header and the byte ranges of the wanted columns (prefix). */
function columnRanges(
  fd: number,
  path: string,
  options: ReadColumnsOptions,
): { header: ColumnFileHeader; ranges: ColumnRange[] } {
  const head = Buffer.alloc(12);
  readSync(fd, head, 0, 12, 0);
  if (head.toString('latin1', 0, 8) !== MAGIC) {
    throw new Error(`${path}: not a shikaku column file`);
  }
  const json = Buffer.alloc(head.readUInt32LE(8));
  readSync(fd, json, 0, json.length, 12);
  const header = JSON.parse(json.toString('utf8')) as ColumnFileHeader;
  const rows = Math.min(header.rows, options.maxRows ?? header.rows);
  const wanted = options.columns && new Set(options.columns);
  for (const name of wanted ?? []) {
    if (!header.columns.some((c) => c.name === name)) {
      throw new Error(`${path}: no column ${name}`);
    }
  }
  const ranges = header.columns
    .filter((c) => !wanted || wanted.has(c.name))
    .map((c) => ({
      name: c.name,
      type: c.type,
      offset: c.offset,
      byteLength: (c.byteLength / Math.max(1, header.rows)) * rows,
    }));
  return { header: { ...header, rows }, ranges };
}

/** A column file's header and where the wanted columns (prefix) lie in it, in bytes. */
export function columnFileLayout(
  path: string,
  options: ReadColumnsOptions = {},
): { header: ColumnFileHeader; ranges: ColumnRange[] } {
  const fd = openSync(path, 'r');
  try {
    return columnRanges(fd, path, options);
  } finally {
    closeSync(fd);
  }
}

/** The ranges, each with its destination (fresh memory, shared when asked). */
function planColumnReads(
  fd: number,
  path: string,
  options: ReadColumnsOptions,
): { header: ColumnFileHeader; reads: ColumnRead[] } {
  const { header, ranges } = columnRanges(fd, path, options);
  const reads = ranges.map((c) => {
    const buffer = options.shared
      ? new SharedArrayBuffer(c.byteLength)
      : new ArrayBuffer(c.byteLength);
    return { ...c, bytes: new Uint8Array(buffer) };
  });
  return { header, reads };
}

/**
 * The floor under any loader: reads the same bytes as `readColumnFile` with the same options, in
 * order, into one reused 16 MiB buffer (no fresh memory to fault in), and times it. On a cached
 * file this is the page cache's copy speed; on a cold one, the disk's.
 */
export function timeRawColumnRead(
  path: string,
  options: ReadColumnsOptions = {},
): { bytes: number; ms: number } {
  const t = performance.now();
  const fd = openSync(path, 'r');
  let bytes = 0;
  try {
    const { ranges } = columnRanges(fd, path, options);
    const buffer = Buffer.allocUnsafe(16 * 1024 * 1024);
    for (const c of ranges) {
      for (let done = 0; done < c.byteLength;) {
        const n = readSync(
          fd,
          buffer,
          0,
          Math.min(buffer.length, c.byteLength - done),
          c.offset + done,
        );
        if (n === 0) throw new Error(`${path}: truncated column ${c.name}`);
        done += n;
        bytes += n;
      }
    }
  } finally {
    closeSync(fd);
  }
  return { bytes, ms: performance.now() - t };
}

function columnFileOf(header: ColumnFileHeader, reads: ColumnRead[]): ColumnFile {
  const columns: Record<string, ColumnArray> = {};
  for (const r of reads) {
    const Type = TYPES[r.type] as unknown as new (b: ArrayBufferLike) => ColumnArray;
    columns[r.name] = new Type(r.bytes.buffer);
  }
  return { header, columns };
}

/**
 * Reads a column file; with `shared`, every column lands on its own SharedArrayBuffer. With
 * `maxRows`, only the first rows of each column are read (a prefix of a larger population). One
 * thread, one read after another: for big files `readColumnFileAsync` is faster.
 */
export function readColumnFile(
  path: string,
  shared = false,
  maxRows?: number,
  columns?: readonly string[],
): ColumnFile {
  const fd = openSync(path, 'r');
  try {
    const { header, reads } = planColumnReads(fd, path, {
      shared,
      ...(maxRows === undefined ? {} : { maxRows }),
      ...(columns ? { columns } : {}),
    });
    for (const c of reads) {
      const { bytes } = c;
      for (let done = 0; done < bytes.length;) {
        const n = readSync(
          fd,
          bytes,
          done,
          Math.min(IO_BLOCK, bytes.length - done),
          c.offset + done,
        );
        if (n === 0) throw new Error(`${path}: truncated column ${c.name}`);
        done += n;
      }
    }
    return columnFileOf(header, reads);
  } finally {
    closeSync(fd);
  }
}

/**
 * The same columns as `readColumnFile`, byte for byte, read by several reads in flight at once
 * (libuv's thread pool): copying from the page cache and faulting in the fresh destination pages
 * is spread over the cores instead of one thread doing it all.
 */
export async function readColumnFileAsync(
  path: string,
  options: ReadColumnsAsyncOptions = {},
): Promise<ColumnFile> {
  const handle = await open(path, 'r');
  try {
    const { header, reads } = planColumnReads(handle.fd, path, options);
    const block = options.blockBytes ?? 16 * 1024 * 1024;
    const pieces: { column: ColumnRead; at: number; length: number }[] = [];
    for (const column of reads) {
      for (let at = 0; at < column.bytes.length; at += block) {
        pieces.push({ column, at, length: Math.min(block, column.bytes.length - at) });
      }
    }
    let next = 0;
    const reader = async (): Promise<void> => {
      while (next < pieces.length) {
        const { column, at, length } = pieces[next++]!;
        for (let done = 0; done < length;) {
          const { bytesRead } = await handle.read(
            column.bytes,
            at + done,
            length - done,
            column.offset + at + done,
          );
          if (bytesRead === 0) throw new Error(`${path}: truncated column ${column.name}`);
          done += bytesRead;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, reader));
    return columnFileOf(header, reads);
  } finally {
    await handle.close();
  }
}

// ---- text files ------------------------------------------------------------------------------

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Buffered synchronous text writer (fast enough for millions of lines, no stream bookkeeping). */
export class TextFileWriter {
  private readonly fd: number;
  private parts: string[] = [];
  private pending = 0;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  write(line: string): void {
    this.parts.push(line);
    this.pending += line.length;
    if (this.pending > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.parts.length === 0) return;
    writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.pending = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Writes objects as CSV with the given columns (header row first); returns the row count. */
export function writeCsv<T extends object>(
  path: string,
  columns: readonly (keyof T & string)[],
  rows: Iterable<T>,
): number {
  const out = new TextFileWriter(path);
  let n = 0;
  try {
    out.write(`${columns.join(',')}\n`);
    for (const row of rows) {
      const r = row as Record<string, unknown>;
      out.write(`${columns.map((c) => csvField(r[c] as string)).join(',')}\n`);
      n++;
    }
  } finally {
    out.close();
  }
  return n;
}

/** Writes objects as NDJSON (one JSON object a line, only the given keys, in order). */
export function writeNdjson<T extends object>(
  path: string,
  columns: readonly (keyof T & string)[],
  rows: Iterable<T>,
): number {
  const out = new TextFileWriter(path);
  let n = 0;
  try {
    for (const row of rows) {
      const r = row as Record<string, unknown>;
      const o: Record<string, unknown> = {};
      for (const c of columns) o[c] = r[c];
      out.write(`${JSON.stringify(o)}\n`);
      n++;
    }
  } finally {
    out.close();
  }
  return n;
}
