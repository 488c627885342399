import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type { Clock } from '@shikaku/core/clock';
import { jstDate } from '@shikaku/core/clock';
import type { MisEntryPolicy } from '@shikaku/core/mis-entry';
import type { DatabaseHandle } from '@shikaku/db/database';
import { findUpload, saveUpload } from '@shikaku/db/intermediate/uploads';
import { AppError } from '@shikaku/platform/errors';
import {
  type ChunkReport,
  type ChunkTask,
  COUNTS,
  type LineError,
  MAX_LISTED,
  noCounts,
  processChunk,
  type RegistrationCounts,
} from './chunk.js';
import { readRecordChunks } from './chunks.js';
import { type BulkFormat, parseCsvHeader } from './parse.js';
import type { BulkPool } from './pool.js';

export interface UploadDeps {
  handle: DatabaseHandle;
  clock: Clock;
  policy: MisEntryPolicy;
  personRefSecret: string;
  /** Records per chunk; a chunk is parsed, checked and written in one transaction. */
  batchSize: number;
  /** Chunks in flight at once (each on its own connection on PostgreSQL). */
  concurrency: number;
  /** Worker threads for the chunks (PostgreSQL); without it, chunks run on this thread. */
  pool?: BulkPool | undefined;
}

export interface UploadReport extends RegistrationCounts {
  contentHash: string;
  format: BulkFormat;
  /** Records read (data lines). */
  totalLines: number;
  /** The same file was processed before (nothing was duplicated). */
  repeated: boolean;
  /** The first MAX_LISTED errors; `rejected` counts them all. */
  errors: LineError[];
  errorsTruncated: boolean;
  [key: string]: unknown;
}

/**
 * Registers every valid line of a bulk file, streamed in chunks of whole records that are parsed,
 * validated, classified and written on worker threads (PostgreSQL) while the next are read; bad
 * lines are reported with line, field and code and do not stop the file. Idempotent by content: a
 * line identical to what is stored changes nothing (no member, event or notification twice); the
 * report is kept under the file's sha256.
 */
export async function processUpload(
  deps: UploadDeps,
  insurerNumber: string,
  format: BulkFormat,
  body: Readable,
  encoding = 'utf-8',
): Promise<UploadReport> {
  const hash = createHash('sha256');
  const tap = new PassThrough();
  tap.on('data', (chunk: Buffer) => hash.update(chunk));
  body.on('error', (error) => tap.destroy(error));
  body.pipe(tap);

  const startedAt = deps.clock.now();
  const report: UploadReport = {
    contentHash: '',
    format,
    totalLines: 0,
    ...noCounts(),
    repeated: false,
    errors: [],
    errorsTruncated: false,
  };
  const add = (chunk: ChunkReport) => {
    report.totalLines += chunk.records;
    for (const key of COUNTS) report[key] += chunk[key];
    if (chunk.errors.length > 0) {
      // Chunks finish in any order: keep the first MAX_LISTED errors of the file by line.
      const errors = [...report.errors, ...chunk.errors].sort((a, b) => a.line - b.line);
      if (errors.length > MAX_LISTED) report.errorsTruncated = true;
      report.errors = errors.slice(0, MAX_LISTED);
    }
    if (chunk.errorsTruncated) report.errorsTruncated = true;
  };

  const { pool } = deps;
  const run = (task: ChunkTask): Promise<ChunkReport> =>
    pool ? pool.run(task) : processChunk(deps.handle, task);
  const limit = Math.max(1, deps.concurrency, pool?.workers ?? 0);
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let columns: string[] | null = null;
  const registeredOn = jstDate(startedAt);
  const at = deps.clock.now().toISOString();

  for await (const chunk of readRecordChunks(tap, format, deps.batchSize)) {
    if (format === 'csv' && columns === null) {
      columns = parseCsvHeader(chunk.bytes, encoding);
      if (columns === null) {
        // The rest of the upload is read and dropped, so the answer can be sent.
        body.unpipe(tap);
        body.resume();
        throw new AppError(
          'INVALID_CSV',
          `the header row is not CSV in ${encoding} (a stray quote, an NDJSON line, another encoding)`,
          { line: 1 },
        );
      }
      continue;
    }
    const task: ChunkTask = {
      format,
      columns,
      // A copy that owns its memory, so it can move to a worker thread.
      bytes: new Uint8Array(chunk.bytes),
      firstLine: chunk.firstLine,
      encoding,
      insurerNumber,
      registeredOn,
      policy: deps.policy,
      personRefSecret: deps.personRefSecret,
      at,
    };
    const tracked: Promise<void> = run(task)
      .then(add, (error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= limit) await Promise.race(inFlight);
    if (failure) break;
  }
  await Promise.all(inFlight);
  if (failure) throw failure;

  report.contentHash = hash.digest('hex');
  const earlier = await findUpload(deps.handle, insurerNumber, report.contentHash);
  report.repeated = earlier?.status === 'done';
  await saveUpload(
    deps.handle,
    {
      insurerNumber,
      contentHash: report.contentHash,
      format,
      status: 'done',
      report,
    },
    deps.clock.now(),
  );
  return report;
}
