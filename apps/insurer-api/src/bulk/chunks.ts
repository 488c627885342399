// Cuts a bulk file's byte stream into chunks of whole records, so each chunk can be parsed,
// checked and written on its own (on a worker thread) and still report the lines of the file.
import type { Readable } from 'node:stream';
import type { BulkFormat } from './parse.js';

const NEWLINE = 0x0a;
const QUOTE = 0x22;
/**
 * A quoted field longer than this many lines is taken for a stray quote: the record ends there
 * (and is reported as broken by the parser) instead of swallowing the rest of the file.
 */
const MAX_LINES_IN_QUOTES = 100;

/** Whole records of a file: bytes that start at a record and end after a newline (or at EOF). */
export interface RecordChunk {
  bytes: Buffer;
  /** The file's line number (1-based) of the chunk's first byte. */
  firstLine: number;
  /** Physical lines in the chunk (records + empty lines + newlines inside quoted CSV fields). */
  lines: number;
}

/**
 * Streams `input` as chunks of about `recordsPerChunk` records. A CSV record ends at a newline
 * outside double quotes (RFC 4180: a quote inside a quoted field is doubled, so the parity of
 * quotes seen says whether a newline is inside a field); an NDJSON record ends at any newline.
 * The first chunk of a CSV file is its header row alone.
 */
export async function* readRecordChunks(
  input: Readable,
  format: BulkFormat,
  recordsPerChunk: number,
): AsyncGenerator<RecordChunk> {
  const trackQuotes = format === 'csv';
  let pending: Buffer[] = [];
  let inQuotes = false;
  let linesInQuotes = 0;
  let records = 0;
  let lines = 0;
  let firstLine = 1;
  let headerDone = format !== 'csv';
  let endsWithNewline = true;

  const take = (parts: Buffer[]): RecordChunk => {
    const chunk = { bytes: Buffer.concat(parts), firstLine, lines };
    firstLine += lines;
    lines = 0;
    records = 0;
    return chunk;
  };

  for await (const data of input as AsyncIterable<Buffer | string>) {
    const buffer = typeof data === 'string' ? Buffer.from(data) : data;
    let start = 0;
    let position = 0;
    let quote = trackQuotes ? buffer.indexOf(QUOTE) : -1;
    for (;;) {
      const newline = buffer.indexOf(NEWLINE, position);
      if (newline < 0) break;
      while (quote >= 0 && quote < newline) {
        inQuotes = !inQuotes;
        quote = buffer.indexOf(QUOTE, quote + 1);
      }
      position = newline + 1;
      lines++;
      if (inQuotes && ++linesInQuotes <= MAX_LINES_IN_QUOTES) continue;
      inQuotes = false;
      linesInQuotes = 0;
      records++;
      if (!headerDone || records >= recordsPerChunk) {
        headerDone = true;
        pending.push(buffer.subarray(start, position));
        yield take(pending);
        pending = [];
        start = position;
      }
    }
    // Quotes after the last newline belong to the record that goes on in the next buffer.
    while (quote >= 0) {
      inQuotes = !inQuotes;
      quote = buffer.indexOf(QUOTE, quote + 1);
    }
    if (start < buffer.length) pending.push(buffer.subarray(start));
    if (buffer.length > 0) endsWithNewline = buffer[buffer.length - 1] === NEWLINE;
  }
  if (pending.length > 0) {
    // A last record with no newline after it is still a line.
    if (!endsWithNewline) lines++;
    yield take(pending);
  }
}
