// Usage applications (利用申請) and the eligibility-api credentials issued on approval. The portal
// keeps only client ids: secrets are shown once and never stored here.
import type { Selectable } from 'kysely';
import type { DatabaseHandle } from '../database.js';
import { insertMail, type NewMail } from './mail.js';
import type { PortalCredentialsTable, PortalUsageApplicationsTable } from './tables.js';

export type UsageApplication = Selectable<PortalUsageApplicationsTable>;
export type Credential = Selectable<PortalCredentialsTable>;

export async function submitUsageApplication(
  handle: DatabaseHandle,
  institutionCode: string,
  at: Date,
): Promise<UsageApplication | undefined> {
  return handle.db.transaction().execute(async (trx) => {
    // One open (submitted or approved) application per institution.
    const open = await trx
      .selectFrom('portal.usage_applications')
      .select('id')
      .where('institution_code', '=', institutionCode)
      .where('status', 'in', ['submitted', 'approved'])
      .executeTakeFirst();
    if (open) return undefined;
    const row = await trx
      .insertInto('portal.usage_applications')
      .values({ institution_code: institutionCode, status: 'submitted', submitted_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('portal.institutions')
      .set({ usage_applied_at: at })
      .where('institution_code', '=', institutionCode)
      .where('usage_applied_at', 'is', null)
      .execute();
    return row;
  });
}

export async function listUsageApplications(
  handle: DatabaseHandle,
  filter: { institutionCode?: string; status?: UsageApplication['status'] },
): Promise<Array<UsageApplication & { name: string }>> {
  let query = handle.db
    .selectFrom('portal.usage_applications as u')
    .innerJoin('portal.institutions as i', 'i.institution_code', 'u.institution_code')
    .selectAll('u')
    .select('i.name');
  if (filter.institutionCode)
    query = query.where('u.institution_code', '=', filter.institutionCode);
  if (filter.status) query = query.where('u.status', '=', filter.status);
  return query.orderBy('u.id', 'desc').limit(200).execute();
}

export async function findUsageApplication(
  handle: DatabaseHandle,
  id: number,
): Promise<UsageApplication | undefined> {
  return handle.db
    .selectFrom('portal.usage_applications')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Marks an application approved (the institution is then operating) and queues its `mails`, in one
 * transaction; false (and no mail) when already decided.
 */
export async function approveUsageApplication(
  handle: DatabaseHandle,
  approval: { id: number; operatorId: number; at: Date; mails?: readonly NewMail[] },
): Promise<boolean> {
  return handle.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('portal.usage_applications')
      .set({ status: 'approved', decided_at: approval.at, decided_by: approval.operatorId })
      .where('id', '=', approval.id)
      .where('status', '=', 'submitted')
      .returning('institution_code')
      .executeTakeFirst();
    if (!row) return false;
    await trx
      .updateTable('portal.institutions')
      .set({ operating_at: approval.at })
      .where('institution_code', '=', row.institution_code)
      .where('operating_at', 'is', null)
      .execute();
    await insertMail(trx, approval.mails ?? [], approval.at);
    return true;
  });
}

/**
 * Rejects a submitted application with its reason, once, and queues its `mails` in the same
 * transaction; false (and no mail) when already decided.
 */
export async function rejectUsageApplication(
  handle: DatabaseHandle,
  rejection: {
    id: number;
    operatorId: number;
    reason: string;
    at: Date;
    mails?: readonly NewMail[];
  },
): Promise<boolean> {
  return handle.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('portal.usage_applications')
      .set({
        status: 'rejected',
        decided_at: rejection.at,
        decided_by: rejection.operatorId,
        decision_reason: rejection.reason,
      })
      .where('id', '=', rejection.id)
      .where('status', '=', 'submitted')
      .returning('id')
      .executeTakeFirst();
    if (!row) return false;
    await insertMail(trx, rejection.mails ?? [], rejection.at);
    return true;
  });
}

export async function listCredentials(
  handle: DatabaseHandle,
  institutionCode: string,
): Promise<Credential[]> {
  return handle.db
    .selectFrom('portal.credentials')
    .selectAll()
    .where('institution_code', '=', institutionCode)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function insertCredential(
  handle: DatabaseHandle,
  credential: { clientId: string; institutionCode: string; at: Date },
): Promise<void> {
  await handle.db
    .insertInto('portal.credentials')
    .values({
      client_id: credential.clientId,
      institution_code: credential.institutionCode,
      created_at: credential.at,
    })
    .execute();
}

/** Whether the institution's usage application is approved (credentials may be issued). */
export async function isUsageApproved(
  handle: DatabaseHandle,
  institutionCode: string,
): Promise<boolean> {
  const row = await handle.db
    .selectFrom('portal.usage_applications')
    .select('id')
    .where('institution_code', '=', institutionCode)
    .where('status', '=', 'approved')
    .executeTakeFirst();
  return row !== undefined;
}

export async function revokeCredential(
  handle: DatabaseHandle,
  credential: { clientId: string; institutionCode: string; at: Date },
): Promise<boolean> {
  const row = await handle.db
    .updateTable('portal.credentials')
    .set({ revoked_at: credential.at })
    .where('client_id', '=', credential.clientId)
    .where('institution_code', '=', credential.institutionCode)
    .where('revoked_at', 'is', null)
    .returning('client_id')
    .executeTakeFirst();
  return row !== undefined;
}

export type CredentialChange =
  /** Issue a first credential; refused while one is active (a reload, a double click). */
  | { kind: 'issue' }
  /** Replace `clientId` (the active one the user confirmed) with a new one; refused once replaced. */
  | { kind: 'rotate'; clientId: string };

/** How long a claimed credential change blocks another (a process killed mid-change). */
export const CREDENTIAL_CHANGE_LEASE_MS = 60_000;

/**
 * Issues (or rotates) an institution's credential at most once per intent, in three steps so that
 * no transaction is held while eligibility-api is called (on the embedded database every app of
 * the stack shares one connection):
 *  1. under the institution's row lock, the active credentials are read and the change is claimed
 *     (a second change while one is claimed, or after it, is refused);
 *  2. `issue` (and `revoke` of the replaced one) run at eligibility-api;
 *  3. the result is recorded and the claim released.
 * A claim left by a process killed between 1 and 3 lapses after CREDENTIAL_CHANGE_LEASE_MS; the
 * credential it may have issued was never shown, and the next change revokes nothing it cannot see.
 */
export async function changeCredential<T extends { clientId: string }>(
  handle: DatabaseHandle,
  change: CredentialChange & { institutionCode: string; at: Date },
  upstream: { issue: () => Promise<T>; revoke: (clientId: string) => Promise<void> },
): Promise<
  | { ok: true; issued: T }
  | { ok: false; reason: 'already-issued' | 'already-rotated' | 'in-progress' }
> {
  const claimed = await handle.db.transaction().execute(async (trx) => {
    await trx
      .selectFrom('portal.institutions')
      .select('institution_code')
      .where('institution_code', '=', change.institutionCode)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const pending = await trx
      .selectFrom('portal.credential_changes')
      .select('started_at')
      .where('institution_code', '=', change.institutionCode)
      .executeTakeFirst();
    if (
      pending &&
      change.at.getTime() - new Date(pending.started_at).getTime() < CREDENTIAL_CHANGE_LEASE_MS
    )
      return { ok: false as const, reason: 'in-progress' as const };
    const active = await trx
      .selectFrom('portal.credentials')
      .select('client_id')
      .where('institution_code', '=', change.institutionCode)
      .where('revoked_at', 'is', null)
      .execute();
    if (change.kind === 'issue' && active.length > 0)
      return { ok: false as const, reason: 'already-issued' as const };
    if (change.kind === 'rotate' && !active.some((c) => c.client_id === change.clientId))
      return { ok: false as const, reason: 'already-rotated' as const };
    await trx
      .insertInto('portal.credential_changes')
      .values({ institution_code: change.institutionCode, started_at: change.at })
      .onConflict((oc) => oc.column('institution_code').doUpdateSet({ started_at: change.at }))
      .execute();
    return { ok: true as const, replaced: active.map((c) => c.client_id) };
  });
  if (!claimed.ok) return claimed;
  const release = () =>
    handle.db
      .deleteFrom('portal.credential_changes')
      .where('institution_code', '=', change.institutionCode)
      .execute();
  let issued: T;
  try {
    issued = await upstream.issue();
    for (const clientId of claimed.replaced) await upstream.revoke(clientId);
  } catch (error) {
    await release();
    throw error;
  }
  await handle.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('portal.credentials')
      .values({
        client_id: issued.clientId,
        institution_code: change.institutionCode,
        created_at: change.at,
      })
      .execute();
    for (const clientId of claimed.replaced)
      await trx
        .updateTable('portal.credentials')
        .set({ revoked_at: change.at })
        .where('client_id', '=', clientId)
        .execute();
    await trx
      .deleteFrom('portal.credential_changes')
      .where('institution_code', '=', change.institutionCode)
      .execute();
  });
  return { ok: true as const, issued };
}
