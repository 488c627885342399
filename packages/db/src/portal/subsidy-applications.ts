// Subsidy applications (補助金申請) and their receipts. The amount is computed by packages/core
// and stored with the application so that a later rule change does not rewrite a decision.
import type { Selectable } from 'kysely';
import type { DatabaseHandle } from '../database.js';
import type { PortalSubsidyApplicationsTable, PortalSubsidyReceiptsTable } from './tables.js';

export type SubsidyApplication = Selectable<PortalSubsidyApplicationsTable>;
export type SubsidyReceipt = Selectable<PortalSubsidyReceiptsTable>;

export async function createSubsidyApplication(
  handle: DatabaseHandle,
  application: {
    institutionCode: string;
    projectCost: number;
    readers: number;
    subsidyAmount: number;
    at: Date;
  },
): Promise<SubsidyApplication> {
  return handle.db
    .insertInto('portal.subsidy_applications')
    .values({
      institution_code: application.institutionCode,
      project_cost: application.projectCost,
      readers: application.readers,
      subsidy_amount: application.subsidyAmount,
      status: 'draft',
      created_at: application.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findSubsidyApplication(
  handle: DatabaseHandle,
  id: number,
): Promise<SubsidyApplication | undefined> {
  return handle.db
    .selectFrom('portal.subsidy_applications')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listSubsidyApplications(
  handle: DatabaseHandle,
  filter: { institutionCode?: string; status?: SubsidyApplication['status'] },
): Promise<Array<SubsidyApplication & { name: string }>> {
  let query = handle.db
    .selectFrom('portal.subsidy_applications as s')
    .innerJoin('portal.institutions as i', 'i.institution_code', 's.institution_code')
    .selectAll('s')
    .select('i.name');
  if (filter.institutionCode)
    query = query.where('s.institution_code', '=', filter.institutionCode);
  if (filter.status) query = query.where('s.status', '=', filter.status);
  return query.orderBy('s.id', 'desc').limit(200).execute();
}

/** Moves draft/returned → submitted; false when it is in another state. */
export async function submitSubsidyApplication(
  handle: DatabaseHandle,
  id: number,
  at: Date,
): Promise<boolean> {
  const row = await handle.db
    .updateTable('portal.subsidy_applications')
    .set({ status: 'submitted', submitted_at: at })
    .where('id', '=', id)
    .where('status', 'in', ['draft', 'returned'])
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function decideSubsidyApplication(
  handle: DatabaseHandle,
  decision: { id: number; status: 'approved' | 'returned'; note: string; at: Date },
): Promise<boolean> {
  const row = await handle.db
    .updateTable('portal.subsidy_applications')
    .set({ status: decision.status, decided_at: decision.at, decision_note: decision.note || null })
    .where('id', '=', decision.id)
    .where('status', '=', 'submitted')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertSubsidyReceipt(
  handle: DatabaseHandle,
  receipt: {
    applicationId: number;
    filename: string;
    contentType: string;
    size: number;
    sha256: string;
    storageKey: string;
    at: Date;
  },
): Promise<SubsidyReceipt> {
  return handle.db
    .insertInto('portal.subsidy_receipts')
    .values({
      application_id: receipt.applicationId,
      filename: receipt.filename,
      content_type: receipt.contentType,
      size: receipt.size,
      sha256: receipt.sha256,
      storage_key: receipt.storageKey,
      uploaded_at: receipt.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listSubsidyReceipts(
  handle: DatabaseHandle,
  applicationId: number,
): Promise<SubsidyReceipt[]> {
  return handle.db
    .selectFrom('portal.subsidy_receipts')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('id')
    .execute();
}

export async function findSubsidyReceipt(
  handle: DatabaseHandle,
  id: number,
): Promise<SubsidyReceipt | undefined> {
  return handle.db
    .selectFrom('portal.subsidy_receipts')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
}
