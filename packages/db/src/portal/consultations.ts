// The consultation desk (相談窓口) for 機種未定 card-reader applications with a special reason: the
// queue, the thread of messages with the facility, and the desk's decision (extend this
// application's model-selection deadline to a date, or decline). The deadline job reads the result
// (reader_applications.model_deadline, consultation_status) through listUndecidedApplications.
import type { Selectable } from 'kysely';
import type { DatabaseHandle } from '../database.js';
import { insertMail, type NewMail } from './mail.js';
import type { ReaderApplication } from './reader-applications.js';
import type { ConsultationStatus, PortalConsultationMessagesTable } from './tables.js';

export type ConsultationMessage = Selectable<PortalConsultationMessagesTable>;

export interface ConsultationQueueRow extends ReaderApplication {
  name: string;
  email: string | null;
  last_message_at: Date | null;
  messages: number;
}

/** The desk's queue: open consultations first (oldest first), then decided ones (newest first). */
export async function listConsultations(
  handle: DatabaseHandle,
  filter: { status?: ConsultationStatus } = {},
): Promise<ConsultationQueueRow[]> {
  let query = handle.db
    .selectFrom('portal.reader_applications as r')
    .innerJoin('portal.institutions as i', 'i.institution_code', 'r.institution_code')
    .leftJoin('portal.accounts as a', 'a.institution_code', 'r.institution_code')
    .selectAll('r')
    .select(['i.name', 'a.email'])
    .select((eb) => [
      eb
        .selectFrom('portal.consultation_messages as m')
        .whereRef('m.application_id', '=', 'r.id')
        .select((m) => m.fn.max('m.at').as('at'))
        .as('last_message_at'),
      eb
        .selectFrom('portal.consultation_messages as m')
        .whereRef('m.application_id', '=', 'r.id')
        .select((m) => m.fn.countAll<number>().as('n'))
        .as('messages'),
    ])
    .where('r.consultation_status', 'is not', null);
  if (filter.status) query = query.where('r.consultation_status', '=', filter.status);
  const rows = await query.orderBy('r.id').execute();
  const open = rows.filter((r) => r.consultation_status === 'open');
  const decided = rows.filter((r) => r.consultation_status !== 'open').reverse();
  return [...open, ...decided].map((r) => ({
    ...r,
    messages: Number(r.messages ?? 0),
    last_message_at: r.last_message_at ? new Date(r.last_message_at) : null,
  }));
}

export async function listConsultationMessages(
  handle: DatabaseHandle,
  applicationId: number,
): Promise<ConsultationMessage[]> {
  return handle.db
    .selectFrom('portal.consultation_messages')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('id')
    .execute();
}

/**
 * A reply from the desk (call centre or operator) and its `mails`, in one transaction; false (and
 * no mail) when there is no consultation.
 */
export async function replyToConsultation(
  handle: DatabaseHandle,
  reply: {
    applicationId: number;
    author: 'callcentre' | 'operator';
    accountId: number;
    body: string;
    at: Date;
    mails?: readonly NewMail[];
  },
): Promise<boolean> {
  return handle.db.transaction().execute(async (trx) => {
    const application = await trx
      .selectFrom('portal.reader_applications')
      .select('id')
      .where('id', '=', reply.applicationId)
      .where('consultation_status', 'is not', null)
      .forUpdate()
      .executeTakeFirst();
    if (!application) return false;
    await trx
      .insertInto('portal.consultation_messages')
      .values({
        application_id: reply.applicationId,
        at: reply.at,
        author: reply.author,
        account_id: reply.accountId,
        body: reply.body,
      })
      .execute();
    await trx
      .insertInto('portal.reader_application_events')
      .values({
        application_id: reply.applicationId,
        at: reply.at,
        kind: 'consultation_reply',
        actor: reply.author === 'operator' ? 'desk' : 'callcentre',
        detail: '',
      })
      .execute();
    await insertMail(trx, reply.mails ?? [], reply.at);
    return true;
  });
}

export type ConsultationDecision =
  { kind: 'extend'; until: string; note: string } | { kind: 'decline'; note: string };

function defaultDetail(decision: ConsultationDecision): string {
  return decision.kind === 'extend'
    ? `機種選定期限を ${decision.until} まで延長${decision.note ? `（${decision.note}）` : ''}`
    : decision.note;
}

/**
 * The desk's decision on an open consultation of an active application, once: a second decision
 * (a double submit, another operator) and a decision on a cancelled application are refused.
 */
export async function decideConsultation(
  handle: DatabaseHandle,
  decision: ConsultationDecision & {
    applicationId: number;
    accountId: number;
    at: Date;
    /** How the history shows it (default: the date as stored). */
    detail?: string;
    /** Queued in the decision's transaction: mailed if and only if this call decided it. */
    mails?: readonly NewMail[];
  },
): Promise<{ ok: true; application: ReaderApplication } | { ok: false; reason: 'not-open' }> {
  return handle.db.transaction().execute(async (trx) => {
    const application = await trx
      .updateTable('portal.reader_applications')
      .set({
        consultation_status: decision.kind === 'extend' ? 'extended' : 'declined',
        model_deadline: decision.kind === 'extend' ? decision.until : null,
        consultation_decided_at: decision.at,
        consultation_decision_note: decision.note || null,
        // A reminder is due again before the new deadline.
        ...(decision.kind === 'extend' ? { reminder_sent_at: null } : {}),
        updated_at: decision.at,
      })
      .where('id', '=', decision.applicationId)
      .where('status', '=', 'active')
      .where('consultation_status', '=', 'open')
      .returningAll()
      .executeTakeFirst();
    if (!application) return { ok: false as const, reason: 'not-open' as const };
    await trx
      .insertInto('portal.reader_application_events')
      .values({
        application_id: decision.applicationId,
        at: decision.at,
        kind: decision.kind === 'extend' ? 'consultation_extended' : 'consultation_declined',
        actor: 'desk',
        detail: decision.detail ?? defaultDetail(decision),
      })
      .execute();
    await insertMail(trx, decision.mails ?? [], decision.at);
    return { ok: true as const, application };
  });
}
