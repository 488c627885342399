// One chunk of a bulk file, end to end: parse, validate, classify against the stored history,
// write. Runs on a worker thread on PostgreSQL (chunk.worker.ts) or on the request's thread.
import type { MisEntryPolicy } from '@shikaku/core/mis-entry';
import type { DatabaseHandle } from '@shikaku/db/database';
import { isDataError } from '@shikaku/db/database-errors';
import { type BatchResult, registerBatch } from '../registration/register.js';
import { type ValidRegistration, validateRegistration } from '../registration/validate.js';
import { type BulkFormat, parseRecords } from './parse.js';

export interface LineError {
  line: number;
  code: string;
  field?: string;
  reason?: string;
  message: string;
}

/** A chunk of whole records and what is needed to register them (plain data: it crosses threads). */
export interface ChunkTask {
  format: BulkFormat;
  /** The CSV header's field names; null for NDJSON. */
  columns: string[] | null;
  bytes: Uint8Array;
  /** The file's line number of the chunk's first byte. */
  firstLine: number;
  /** The file's encoding, a TextDecoder label (utf-8 unless the upload declared shift_jis). */
  encoding: string;
  insurerNumber: string;
  /** JST date of the upload: the rules in force are those of this date. */
  registeredOn: string;
  policy: MisEntryPolicy;
  personRefSecret: string;
  /** ISO time the registrations are written at. */
  at: string;
}

/** What registering some records did: a chunk's, and added up, a whole file's. */
export interface RegistrationCounts {
  accepted: number;
  rejected: number;
  /** Accepted registrations that were new or changed; the rest were identical to what is stored. */
  changed: number;
  unchanged: number;
  suspicions: number;
  jlisQueued: number;
  notifications: number;
}

/** The counts' keys, for adding chunk reports up. */
export const COUNTS = [
  'accepted',
  'rejected',
  'changed',
  'unchanged',
  'suspicions',
  'jlisQueued',
  'notifications',
] as const satisfies ReadonlyArray<keyof RegistrationCounts>;

export function noCounts(): RegistrationCounts {
  return {
    accepted: 0,
    rejected: 0,
    changed: 0,
    unchanged: 0,
    suspicions: 0,
    jlisQueued: 0,
    notifications: 0,
  };
}

export interface ChunkReport extends RegistrationCounts {
  records: number;
  /** Every error of the chunk's rejected lines, in line order, at most `MAX_LISTED`. */
  errors: LineError[];
  errorsTruncated: boolean;
}

/** The most errors a report lists (`rejected` counts them all). */
export const MAX_LISTED = 1_000;

export async function processChunk(handle: DatabaseHandle, task: ChunkTask): Promise<ChunkReport> {
  const report: ChunkReport = {
    records: 0,
    ...noCounts(),
    errors: [],
    errorsTruncated: false,
  };
  const reject = (errors: LineError[]) => {
    report.rejected++;
    for (const error of errors) {
      if (report.errors.length < MAX_LISTED) report.errors.push(error);
      else report.errorsTruncated = true;
    }
  };
  const items: ChunkItem[] = [];
  for (const record of parseRecords(
    task.bytes,
    task.format,
    task.columns,
    task.firstLine,
    task.encoding,
  )) {
    report.records++;
    if (!record.ok) {
      reject([{ line: record.line, code: record.code, message: record.message }]);
      continue;
    }
    const result = validateRegistration(record.fields, task.insurerNumber);
    if (!result.ok) {
      reject(result.errors.map((error) => ({ line: record.line, ...error })));
      continue;
    }
    items.push({ value: result.value, line: record.line });
  }
  if (items.length === 0) return report;
  const write = (batch: ChunkItem[]) =>
    registerBatch(
      handle,
      batch,
      {
        registeredOn: task.registeredOn,
        policy: task.policy,
        personRefSecret: task.personRefSecret,
        sourceHash: null,
      },
      new Date(task.at),
    );
  await registerItems(write, items, report, reject);
  return report;
}

export type ChunkItem = { value: ValidRegistration; line: number };

/**
 * Writes the items in one transaction. Should the database still refuse a value that validation
 * let through (a data error: the transaction wrote nothing), the items are written again in halves
 * until the refused lines stand alone: they are reported, every other line goes through.
 */
export async function registerItems(
  write: (items: ChunkItem[]) => Promise<BatchResult>,
  items: ChunkItem[],
  report: ChunkReport,
  reject: (errors: LineError[]) => void,
): Promise<void> {
  try {
    const result = await write(items);
    report.accepted += items.length;
    report.changed += result.saved.changed;
    report.unchanged += items.length - result.saved.changed;
    report.notifications += result.saved.notifications;
    report.jlisQueued += result.saved.checks;
    report.suspicions += result.classified.filter((c) => c.outcome.suspected).length;
  } catch (error) {
    if (!isDataError(error)) throw error;
    if (items.length === 1) {
      // The database's message may quote the value: only its SQLSTATE is reported.
      reject([
        {
          line: items[0]!.line,
          code: 'REJECTED_BY_DATABASE',
          reason: String((error as { code?: unknown }).code),
          message: 'the database refused a value of this line',
        },
      ]);
      return;
    }
    const half = Math.ceil(items.length / 2);
    await registerItems(write, items.slice(0, half), report, reject);
    await registerItems(write, items.slice(half), report, reject);
  }
}
