// Subsidy applications (補助金申請) and their receipts. The amount is computed by packages/core
// and stored with the application so that a later rule change does not rewrite a decision.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DatabaseHandle } from '../database.js';
import type { Database } from '../schema.js';
import { insertMail, type NewMail } from './mail.js';
import type { PortalSubsidyApplicationsTable, PortalSubsidyReceiptsTable } from './tables.js';

export type SubsidyApplication = Selectable<PortalSubsidyApplicationsTable>;
export type SubsidyReceipt = Selectable<PortalSubsidyReceiptsTable>;

/** Records an application unconditionally (seeding); applications from users go through applyForSubsidy. */
export async function createSubsidyApplication(
  handle: DatabaseHandle,
  application: NewSubsidyApplication,
): Promise<SubsidyApplication> {
  return insertApplication(handle.db, application);
}

export interface NewSubsidyApplication {
  institutionCode: string;
  projectCost: number;
  readers: number;
  subsidyAmount: number;
  at: Date;
}

async function insertApplication(
  db: Kysely<Database> | Transaction<Database>,
  application: NewSubsidyApplication,
): Promise<SubsidyApplication> {
  return db
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

/** What a subsidy application is decided against: the facility's state under its row lock. */
export interface SubsidyStanding {
  /** The facility's applications that hold its one subsidy (every state but rejected/withdrawn). */
  live: SubsidyApplication[];
  /** Readers applied for and not cancelled (機種未定 included). */
  readersApplied: number;
}

const LIVE_STATES = ['draft', 'submitted', 'approved', 'returned'] as const;

async function lockStanding(
  trx: Transaction<Database>,
  institutionCode: string,
): Promise<SubsidyStanding> {
  // The institution's row is the lock that reader applications take too (applyForReaders), so a
  // subsidy is decided against a settled count of readers and of the facility's applications.
  const institution = await trx
    .selectFrom('portal.institutions')
    .select('institution_code')
    .where('institution_code', '=', institutionCode)
    .forUpdate()
    .executeTakeFirst();
  if (!institution) throw new Error(`no institution ${institutionCode}`);
  const live = await trx
    .selectFrom('portal.subsidy_applications')
    .selectAll()
    .where('institution_code', '=', institutionCode)
    .where('status', 'in', LIVE_STATES)
    .orderBy('id')
    .execute();
  const readers = await trx
    .selectFrom('portal.reader_applications')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('quantity'), eb.lit(0)).as('n'))
    .where('institution_code', '=', institutionCode)
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return { live, readersApplied: Number(readers.n) };
}

/** The facility's standing now (for showing a form; decisions go through applyForSubsidy). */
export async function subsidyStanding(
  handle: DatabaseHandle,
  institutionCode: string,
): Promise<SubsidyStanding> {
  return handle.db.transaction().execute((trx) => lockStanding(trx, institutionCode));
}

/**
 * A new application, if `admit` (pure, run under the institution row's lock) allows it given the
 * facility's standing: concurrent applications of one facility are decided one after another, each
 * seeing the ones before it. The partial unique index subsidy_applications_one_per_facility holds
 * the same rule underneath.
 */
export async function applyForSubsidy<R>(
  handle: DatabaseHandle,
  application: NewSubsidyApplication,
  admit: (standing: SubsidyStanding) => R | undefined,
): Promise<{ ok: true; application: SubsidyApplication } | { ok: false; refusal: R }> {
  return handle.db.transaction().execute(async (trx) => {
    const refusal = admit(await lockStanding(trx, application.institutionCode));
    if (refusal !== undefined) return { ok: false as const, refusal };
    return { ok: true as const, application: await insertApplication(trx, application) };
  });
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

export type SubsidyDecision = 'approved' | 'returned' | 'rejected';

/**
 * Decides a submitted application once: the row is locked, so two operators (or a double submit)
 * decide it once and the other gets `already-decided`. An approval is checked again, under the
 * institution's lock, against the readers still applied for (one may have been cancelled since).
 */
export async function decideSubsidyApplication(
  handle: DatabaseHandle,
  decision: {
    id: number;
    status: SubsidyDecision;
    note: string;
    at: Date;
    operatorId?: number;
    /** Queued in the decision's transaction: mailed if and only if this call decided it. */
    mails?: readonly NewMail[];
  },
): Promise<
  | { ok: true; application: SubsidyApplication }
  | { ok: false; reason: 'not-found' | 'already-decided' | 'readers-not-applied' }
> {
  return handle.db.transaction().execute(async (trx) => {
    const found = await trx
      .selectFrom('portal.subsidy_applications')
      .select('institution_code')
      .where('id', '=', decision.id)
      .executeTakeFirst();
    if (!found) return { ok: false as const, reason: 'not-found' as const };
    // Institution first, then the application: the same order as applyForSubsidy.
    const standing = await lockStanding(trx, found.institution_code);
    const current = standing.live.find((a) => a.id === decision.id);
    if (!current || current.status !== 'submitted')
      return { ok: false as const, reason: 'already-decided' as const };
    if (decision.status === 'approved' && current.readers > standing.readersApplied)
      return { ok: false as const, reason: 'readers-not-applied' as const };
    const application = await trx
      .updateTable('portal.subsidy_applications')
      .set({
        status: decision.status,
        decided_at: decision.at,
        decision_note: decision.note || null,
        decided_by: decision.operatorId ?? null,
      })
      .where('id', '=', decision.id)
      .where('status', '=', 'submitted')
      .returningAll()
      .executeTakeFirstOrThrow();
    await insertMail(trx, decision.mails ?? [], decision.at);
    return { ok: true as const, application };
  });
}

/** The institution withdraws (取り下げ) a draft or returned application; false otherwise. */
export async function withdrawSubsidyApplication(
  handle: DatabaseHandle,
  id: number,
  at: Date,
): Promise<boolean> {
  const row = await handle.db
    .updateTable('portal.subsidy_applications')
    .set({ status: 'withdrawn', decided_at: at })
    .where('id', '=', id)
    .where('status', 'in', ['draft', 'returned'])
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
