import type { DatabaseHandle } from '../database.js';

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

export async function insertBulkInquiry(
  handle: DatabaseHandle,
  inquiry: Omit<BulkInquiryRecord, 'status' | 'completedAt' | 'result'>,
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

/** Reception numbers still to process, oldest first. */
export async function listAcceptedBulkInquiries(
  handle: DatabaseHandle,
  limit = 10,
): Promise<Array<{ receptionNumber: string; institutionCode: string }>> {
  const rows = await handle.db
    .selectFrom('eligibility.bulk_inquiries')
    .select(['reception_number', 'institution_code'])
    .where('status', '=', 'accepted')
    .orderBy('submitted_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    receptionNumber: r.reception_number,
    institutionCode: r.institution_code,
  }));
}

export async function completeBulkInquiry(
  handle: DatabaseHandle,
  receptionNumber: string,
  result: unknown,
  at: Date,
): Promise<void> {
  await handle.db
    .updateTable('eligibility.bulk_inquiries')
    .set({ status: 'done', completed_at: at, result: JSON.stringify(result) })
    .where('reception_number', '=', receptionNumber)
    .execute();
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
