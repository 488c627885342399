// Bulk files by content hash: a file that was fully processed is answered from its stored report;
// one interrupted half-way is processed again, which the registrations' upsert makes harmless.
import type { DatabaseHandle } from '../database.js';

export interface UploadReport {
  totalLines: number;
  accepted: number;
  rejected: number;
  [key: string]: unknown;
}

export interface Upload {
  contentHash: string;
  format: string;
  status: 'processing' | 'done';
  report: UploadReport;
}

export async function findUpload(
  handle: DatabaseHandle,
  insurerNumber: string,
  contentHash: string,
): Promise<Upload | undefined> {
  const row = await handle.db
    .selectFrom('intermediate.uploads')
    .select(['content_hash', 'format', 'status', 'report'])
    .where('insurer_number', '=', insurerNumber)
    .where('content_hash', '=', contentHash)
    .executeTakeFirst();
  return row
    ? {
        contentHash: row.content_hash,
        format: row.format,
        status: row.status as Upload['status'],
        report: row.report as UploadReport,
      }
    : undefined;
}

export async function saveUpload(
  handle: DatabaseHandle,
  upload: { insurerNumber: string; contentHash: string; format: string } & Pick<
    Upload,
    'status' | 'report'
  >,
  at: Date,
): Promise<void> {
  await handle.db
    .insertInto('intermediate.uploads')
    .values({
      insurer_number: upload.insurerNumber,
      content_hash: upload.contentHash,
      format: upload.format,
      status: upload.status,
      received_at: at,
      completed_at: upload.status === 'done' ? at : null,
      total_lines: upload.report.totalLines,
      accepted: upload.report.accepted,
      rejected: upload.report.rejected,
      report: JSON.stringify(upload.report),
    })
    .onConflict((oc) =>
      oc.columns(['insurer_number', 'content_hash']).doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'),
        completed_at: eb.ref('excluded.completed_at'),
        total_lines: eb.ref('excluded.total_lines'),
        accepted: eb.ref('excluded.accepted'),
        rejected: eb.ref('excluded.rejected'),
        report: eb.ref('excluded.report'),
      })),
    )
    .execute();
}
