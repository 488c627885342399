import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type { Clock } from '@shikaku/core/clock';
import { jstDate } from '@shikaku/core/clock';
import type { MisEntryPolicy } from '@shikaku/core/mis-entry';
import type { DatabaseHandle } from '@shikaku/db/database';
import { findUpload, saveUpload } from '@shikaku/db/intermediate/uploads';
import { registerBatch } from '../registration/register.js';
import { type ValidRegistration, validateRegistration } from '../registration/validate.js';
import { type BulkFormat, readBulkRecords } from './parse.js';

export interface UploadDeps {
  handle: DatabaseHandle;
  clock: Clock;
  policy: MisEntryPolicy;
  personRefSecret: string;
  batchSize: number;
  /** Batches written at once (each on its own connection on PostgreSQL). */
  concurrency: number;
}

export interface LineError {
  line: number;
  code: string;
  field?: string;
  reason?: string;
  message: string;
}

export interface UploadReport {
  contentHash: string;
  format: BulkFormat;
  /** Records read (data lines). */
  totalLines: number;
  accepted: number;
  rejected: number;
  /** Accepted registrations that were new or changed; the rest were identical to what is stored. */
  changed: number;
  unchanged: number;
  suspicions: number;
  jlisQueued: number;
  notifications: number;
  /** The same file was processed before (nothing was duplicated). */
  repeated: boolean;
  /** The first MAX_LISTED errors; `rejected` counts them all. */
  errors: LineError[];
  errorsTruncated: boolean;
  [key: string]: unknown;
}

const MAX_LISTED = 1_000;

/**
 * Registers every valid line of a bulk file, streamed in batches; bad lines are reported with
 * line, field and code and do not stop the file. Idempotent by content: a line identical to what
 * is stored changes nothing (no member, event or notification twice); the report is kept under
 * the file's sha256.
 */
export async function processUpload(
  deps: UploadDeps,
  insurerNumber: string,
  format: BulkFormat,
  body: Readable,
): Promise<UploadReport> {
  const hash = createHash('sha256');
  const tap = new PassThrough();
  tap.on('data', (chunk: Buffer) => hash.update(chunk));
  body.on('error', (error) => tap.destroy(error));
  body.pipe(tap);

  const startedAt = deps.clock.now();
  const registeredOn = jstDate(startedAt);
  const report: UploadReport = {
    contentHash: '',
    format,
    totalLines: 0,
    accepted: 0,
    rejected: 0,
    changed: 0,
    unchanged: 0,
    suspicions: 0,
    jlisQueued: 0,
    notifications: 0,
    repeated: false,
    errors: [],
    errorsTruncated: false,
  };
  /** One rejected line, with every error found on it. */
  const reject = (errors: LineError[]) => {
    report.rejected++;
    for (const error of errors) {
      if (report.errors.length < MAX_LISTED) report.errors.push(error);
      else report.errorsTruncated = true;
    }
  };

  let batch: Array<{ value: ValidRegistration; line: number }> = [];
  // Batches in flight: reading and classifying the next batch overlaps writing the previous ones.
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const flush = async () => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    const task = registerBatch(
      deps.handle,
      items,
      {
        registeredOn,
        policy: deps.policy,
        personRefSecret: deps.personRefSecret,
        sourceHash: null,
      },
      deps.clock.now(),
    ).then(
      (result) => {
        report.changed += result.saved.changed;
        report.unchanged += items.length - result.saved.changed;
        report.notifications += result.saved.notifications;
        report.jlisQueued += result.saved.checks;
        report.suspicions += result.classified.filter((c) => c.outcome.suspected).length;
      },
      (error: unknown) => {
        failure ??= error;
      },
    );
    const tracked = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= deps.concurrency) await Promise.race(inFlight);
    if (failure) throw failure;
  };

  for await (const record of readBulkRecords(tap, format)) {
    report.totalLines++;
    if (!record.ok) {
      reject([{ line: record.line, code: record.code, message: record.message }]);
      continue;
    }
    const result = validateRegistration(record.fields, insurerNumber);
    if (!result.ok) {
      reject(result.errors.map((error) => ({ line: record.line, ...error })));
      continue;
    }
    report.accepted++;
    batch.push({ value: result.value, line: record.line });
    if (batch.length >= deps.batchSize) await flush();
  }
  await flush();
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
