import { claimLeasedRows, type LeasedQueue } from '../claims.js';
import type { DatabaseHandle } from '../database.js';
import { withRawTransaction } from '../intermediate/raw.js';
import { type AccessLogEntry, insertEntriesIn } from './access-log.js';

/** How long an instance holds an inquiry it answers; another takes it over after that. */
export const BULK_INQUIRY_LEASE_MS = 300_000;

export interface BulkInquiryRecord {
  receptionNumber: string;
  institutionCode: string;
  /** accepted → done; failed when the inquiry could not be answered at all (result: the reason). */
  status: 'accepted' | 'done' | 'failed';
  confirmationDate: string;
  submittedAt: Date;
  completedAt: Date | null;
  items: unknown[];
  result: unknown;
}

/** Stores an accepted inquiry, claimed by `holder` (the instance that answers it at once). */
export async function insertBulkInquiry(
  handle: DatabaseHandle,
  inquiry: Omit<BulkInquiryRecord, 'status' | 'completedAt' | 'result'>,
  holder: string | null = null,
): Promise<void> {
  await handle.db
    .insertInto('eligibility.bulk_inquiries')
    .values({
      reception_number: inquiry.receptionNumber,
      institution_code: inquiry.institutionCode,
      status: 'accepted',
      confirmation_date: inquiry.confirmationDate,
      submitted_at: inquiry.submittedAt,
      items: JSON.stringify(inquiry.items),
      result: null,
      claimed_by: holder,
      claimed_until: holder
        ? new Date(inquiry.submittedAt.getTime() + BULK_INQUIRY_LEASE_MS)
        : null,
    })
    .execute();
}

/**
 * An institution reads only its own inquiries: the owner is part of the key, so another
 * institution's reception number reads as not found.
 */
export async function findBulkInquiry(
  handle: DatabaseHandle,
  receptionNumber: string,
  institutionCode: string,
): Promise<BulkInquiryRecord | undefined> {
  const row = await handle.db
    .selectFrom('eligibility.bulk_inquiries')
    .selectAll()
    .where('reception_number', '=', receptionNumber)
    .where('institution_code', '=', institutionCode)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    receptionNumber: row.reception_number,
    institutionCode: row.institution_code,
    status: row.status as BulkInquiryRecord['status'],
    confirmationDate: row.confirmation_date,
    submittedAt: new Date(row.submitted_at),
    completedAt: row.completed_at ? new Date(row.completed_at) : null,
    items: row.items,
    result: row.result,
  };
}

const INQUIRY_QUEUE: LeasedQueue = {
  table: 'eligibility.bulk_inquiries',
  key: 'reception_number',
  leaseColumn: 'claimed_until',
  holderColumn: 'claimed_by',
  pending: `t.status = 'accepted'`,
  order: 't.submitted_at',
};

/**
 * Claims accepted inquiries no instance holds (never claimed, or the claim's lease ran out),
 * oldest first.
 */
export async function claimAcceptedBulkInquiries(
  handle: DatabaseHandle,
  options: { now: Date; limit: number; holder: string },
): Promise<Array<{ receptionNumber: string; institutionCode: string }>> {
  const rows = await claimLeasedRows<{
    reception_number: string;
    institution_code: string;
    submitted_at: Date | string;
  }>(handle, INQUIRY_QUEUE, {
    ...options,
    leaseMs: BULK_INQUIRY_LEASE_MS,
    returning: 't.reception_number, t.institution_code, t.submitted_at',
  });
  return rows
    .sort((a, b) => new Date(a.submitted_at).getTime() - new Date(b.submitted_at).getTime())
    .map((r) => ({ receptionNumber: r.reception_number, institutionCode: r.institution_code }));
}

/**
 * Stores the result and the access log of its items in one transaction, once: an inquiry done
 * meanwhile (by an instance that took it over) is left alone and nothing is written (false).
 */
export async function completeBulkInquiry(
  handle: DatabaseHandle,
  receptionNumber: string,
  result: unknown,
  at: Date,
  log: readonly AccessLogEntry[] = [],
): Promise<boolean> {
  return withRawTransaction(handle, async (executor) => {
    const done = await executor.query(
      `update eligibility.bulk_inquiries
       set status = 'done', completed_at = $2::timestamptz, result = $3::jsonb, claimed_until = null
       where reception_number = $1 and status = 'accepted' returning 1`,
      [receptionNumber, at.toISOString(), JSON.stringify(result)],
    );
    if (done.rows.length === 0) return false;
    for (let i = 0; i < log.length; i += 1000)
      await insertEntriesIn(executor, log.slice(i, i + 1000));
    return true;
  });
}

/**
 * Settles an inquiry that could not be answered, so it is not picked up again and blocks no other;
 * the reason (a stable code and a message) is kept in place of the result.
 */
export async function failBulkInquiry(
  handle: DatabaseHandle,
  receptionNumber: string,
  reason: { code: string; message: string },
  at: Date,
): Promise<void> {
  await handle.db
    .updateTable('eligibility.bulk_inquiries')
    .set({ status: 'failed', completed_at: at, result: JSON.stringify({ failure: reason }) })
    .where('reception_number', '=', receptionNumber)
    .where('status', '=', 'accepted')
    .execute();
}
