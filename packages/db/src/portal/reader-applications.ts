// Card reader applications (顔認証付きカードリーダー申込) and their full history. The rules (quota,
// 機種未定 window, deadline) are decided in packages/core before anything is written here.
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { DatabaseHandle } from '../database.js';
import type { Database } from '../schema.js';
import { insertMail, type NewMail } from './mail.js';
import type {
  PortalReaderApplicationEventsTable,
  PortalReaderApplicationsTable,
} from './tables.js';

export type ReaderApplication = Selectable<PortalReaderApplicationsTable>;
export type ReaderApplicationEvent = Selectable<PortalReaderApplicationEventsTable>;
export type ReaderActor = 'institution' | 'callcentre' | 'system';

async function addEvent(
  db: Kysely<Database> | Transaction<Database>,
  applicationId: number,
  at: Date,
  kind: string,
  actor: ReaderActor,
  detail = '',
  staffNote: string | null = null,
): Promise<void> {
  await db
    .insertInto('portal.reader_application_events')
    .values({ application_id: applicationId, at, kind, actor, detail, staff_note: staffNote })
    .execute();
}

/** A new application as the repository writes it. */
export interface NewReaderApplication {
  institutionCode: string;
  model: string | null;
  quantity: number;
  consultationReason?: string | null;
  at: Date;
  /** How the history shows it (the model's name, the quantity). */
  detail: string;
}

async function insertApplication(
  trx: Transaction<Database>,
  application: NewReaderApplication,
): Promise<ReaderApplication> {
  const row = await trx
    .insertInto('portal.reader_applications')
    .values({
      institution_code: application.institutionCode,
      model: application.model,
      quantity: application.quantity,
      status: 'active',
      consultation: Boolean(application.consultationReason),
      consultation_reason: application.consultationReason || null,
      consultation_status: application.consultationReason ? 'open' : null,
      created_at: application.at,
      updated_at: application.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await addEvent(trx, row.id, application.at, 'applied', 'institution', application.detail);
  if (row.consultation) {
    await addEvent(
      trx,
      row.id,
      application.at,
      'consultation',
      'institution',
      row.consultation_reason ?? '',
    );
    await trx
      .insertInto('portal.consultation_messages')
      .values({
        application_id: row.id,
        at: application.at,
        author: 'institution',
        body: row.consultation_reason ?? '',
      })
      .execute();
  }
  await trx
    .updateTable('portal.institutions')
    .set({ reader_applied_at: application.at })
    .where('institution_code', '=', application.institutionCode)
    .where('reader_applied_at', 'is', null)
    .execute();
  return row;
}

/** Records an application unconditionally (seeding); applications from users go through applyForReaders. */
export async function createReaderApplication(
  handle: DatabaseHandle,
  application: NewReaderApplication,
): Promise<ReaderApplication> {
  return handle.db.transaction().execute((trx) => insertApplication(trx, application));
}

export type ReaderAdmission<R> =
  | { ok: true; application: Omit<NewReaderApplication, 'institutionCode'> }
  | { ok: false; refusal: R };

/**
 * A new application of `institutionCode`, if `admit` (the quota and window rules, from core) allows
 * it given the institution's applications so far. The institution's row is locked for the
 * transaction, so concurrent applications of one institution are decided one after another, each
 * seeing the ones before it: ten at once against a quota of one record one. `admit` must not do
 * I/O (it runs under the lock).
 */
export async function applyForReaders<R>(
  handle: DatabaseHandle,
  institutionCode: string,
  admit: (existing: ReaderApplication[]) => ReaderAdmission<R>,
): Promise<{ ok: true; application: ReaderApplication } | { ok: false; refusal: R }> {
  return handle.db.transaction().execute(async (trx) => {
    const institution = await trx
      .selectFrom('portal.institutions')
      .select('institution_code')
      .where('institution_code', '=', institutionCode)
      .forUpdate()
      .executeTakeFirst();
    if (!institution) throw new Error(`no institution ${institutionCode}`);
    const existing = await trx
      .selectFrom('portal.reader_applications')
      .selectAll()
      .where('institution_code', '=', institutionCode)
      .orderBy('id', 'desc')
      .execute();
    const admission = admit(existing);
    if (!admission.ok) return admission;
    return {
      ok: true,
      application: await insertApplication(trx, { ...admission.application, institutionCode }),
    };
  });
}

/** The institution's applications, newest first. */
export async function listReaderApplications(
  handle: DatabaseHandle,
  institutionCode: string,
): Promise<ReaderApplication[]> {
  return handle.db
    .selectFrom('portal.reader_applications')
    .selectAll()
    .where('institution_code', '=', institutionCode)
    .orderBy('id', 'desc')
    .execute();
}

export async function findReaderApplication(
  handle: DatabaseHandle,
  id: number,
): Promise<ReaderApplication | undefined> {
  return handle.db
    .selectFrom('portal.reader_applications')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listReaderApplicationEvents(
  handle: DatabaseHandle,
  applicationId: number,
): Promise<ReaderApplicationEvent[]> {
  return handle.db
    .selectFrom('portal.reader_application_events')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('id')
    .execute();
}

export async function changeReaderModel(
  handle: DatabaseHandle,
  change: {
    id: number;
    model: string;
    actor: ReaderActor;
    at: Date;
    /** How the history shows the change, from the model before it. */
    describe: (before: string | null) => string;
    /** The call centre's internal memo (not shown to the facility). */
    staffNote?: string | null;
  },
): Promise<void> {
  await handle.db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('portal.reader_applications')
      .select('model')
      .where('id', '=', change.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('portal.reader_applications')
      .set({ model: change.model, updated_at: change.at })
      .where('id', '=', change.id)
      .execute();
    await addEvent(
      trx,
      change.id,
      change.at,
      'model_changed',
      change.actor,
      change.describe(before.model),
      change.staffNote || null,
    );
  });
}

/**
 * Refers an application to the consultation desk (相談窓口), or adds to an open consultation: the
 * reason becomes a message of the thread. False when the application is cancelled or the desk has
 * already decided (the facility then writes to the call centre).
 */
export async function setConsultation(
  handle: DatabaseHandle,
  change: { id: number; reason: string; actor: ReaderActor; at: Date; accountId?: number },
): Promise<boolean> {
  return handle.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('portal.reader_applications')
      .set((eb) => ({
        consultation: true,
        consultation_reason: eb.fn.coalesce('consultation_reason', eb.val(change.reason)),
        consultation_status: 'open',
        updated_at: change.at,
      }))
      .where('id', '=', change.id)
      .where('status', '=', 'active')
      .where((eb) =>
        eb.or([eb('consultation_status', 'is', null), eb('consultation_status', '=', 'open')]),
      )
      .returning('id')
      .executeTakeFirst();
    if (!row) return false;
    await addEvent(trx, change.id, change.at, 'consultation', change.actor, change.reason);
    await trx
      .insertInto('portal.consultation_messages')
      .values({
        application_id: change.id,
        at: change.at,
        author: change.actor === 'callcentre' ? 'callcentre' : 'institution',
        account_id: change.accountId ?? null,
        body: change.reason,
      })
      .execute();
    return true;
  });
}

/** Active applications still 機種未定, with the institution's account email (when one signed up). */
export async function listUndecidedApplications(
  handle: DatabaseHandle,
): Promise<Array<ReaderApplication & { email: string | null }>> {
  return handle.db
    .selectFrom('portal.reader_applications as r')
    .leftJoin('portal.accounts as a', 'a.institution_code', 'r.institution_code')
    .selectAll('r')
    .select('a.email')
    .where('r.status', '=', 'active')
    .where('r.model', 'is', null)
    .orderBy('r.id')
    .execute();
}

/**
 * Cancels one undecided application; false when it was decided or cancelled meanwhile, its
 * consultation is open, or its deadline is no longer `deadline` (the desk extended it since the job
 * read it): the cancellation is judged and written against the same deadline.
 */
export async function cancelUndecidedApplication(
  handle: DatabaseHandle,
  id: number,
  at: Date,
  reason: string,
  deadline?: { own: string | null },
  mails: readonly NewMail[] = [],
): Promise<boolean> {
  return handle.db.transaction().execute(async (trx) => {
    let update = trx
      .updateTable('portal.reader_applications')
      .set({ status: 'cancelled', cancelled_at: at, updated_at: at })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .where('model', 'is', null)
      .where((eb) =>
        eb.or([eb('consultation_status', 'is', null), eb('consultation_status', '!=', 'open')]),
      );
    if (deadline) {
      update =
        deadline.own === null
          ? update.where('model_deadline', 'is', null)
          : update.where('model_deadline', '=', deadline.own);
    }
    const row = await update.returning('institution_code').executeTakeFirst();
    if (!row) return false;
    await addEvent(trx, id, at, 'cancelled', 'system', reason);
    await insertMail(trx, mails, at);
    const stillActive = await trx
      .selectFrom('portal.reader_applications')
      .select('id')
      .where('institution_code', '=', row.institution_code)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (!stillActive) {
      await trx
        .updateTable('portal.institutions')
        .set({ reader_applied_at: null })
        .where('institution_code', '=', row.institution_code)
        .execute();
    }
    return true;
  });
}

/**
 * Marks the deadline reminder sent, once, and queues its mail in the same transaction: false when it
 * already was (by a run that overlapped this one), so only the run that marked it sends the mail.
 */
export async function markReminderSent(
  handle: DatabaseHandle,
  id: number,
  at: Date,
  mails: readonly NewMail[] = [],
): Promise<boolean> {
  return handle.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('portal.reader_applications')
      .set({ reminder_sent_at: at })
      .where('id', '=', id)
      .where('reminder_sent_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!row) return false;
    await addEvent(trx, id, at, 'reminder', 'system', '機種選定期限のお知らせを送信');
    await insertMail(trx, mails, at);
    return true;
  });
}

const HIRAGANA = Array.from({ length: 0x3096 - 0x3041 + 1 }, (_, i) =>
  String.fromCharCode(0x3041 + i),
).join('');
const KATAKANA = Array.from({ length: 0x30f6 - 0x30a1 + 1 }, (_, i) =>
  String.fromCharCode(0x30a1 + i),
).join('');

/** Hiragana as katakana, so しかく finds シカク (the name side is converted the same way in SQL). */
export function katakanaOf(text: string): string {
  return text.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
}

/**
 * Institutions' applications for the call centre's search: by institution code (exact), or by a
 * part of the facility's name, hiragana and katakana alike (`name` is given NFKC-normalised).
 */
export async function searchReaderApplications(
  handle: DatabaseHandle,
  institutionCode: string | undefined,
  limit = 500,
  name?: string,
): Promise<Array<ReaderApplication & { name: string }>> {
  let query = handle.db
    .selectFrom('portal.reader_applications as r')
    .innerJoin('portal.institutions as i', 'i.institution_code', 'r.institution_code')
    .selectAll('r')
    .select('i.name');
  if (institutionCode) query = query.where('r.institution_code', '=', institutionCode);
  if (name) {
    const pattern = `%${katakanaOf(name).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(
      sql<string>`translate(normalize(i.name, NFKC), ${HIRAGANA}, ${KATAKANA})`,
      'like',
      pattern,
    );
  }
  return query.orderBy('r.id', 'desc').limit(limit).execute();
}
