// The portal's mail outbox (written in the same request as the change it reports) and notices.
import type { Kysely, Selectable } from 'kysely';
import { claimLeasedRows, type LeasedQueue } from '../claims.js';
import type { DatabaseHandle } from '../database.js';
import type { Database } from '../schema.js';
import type { PortalMailOutboxTable, PortalNoticesTable } from './tables.js';

export type OutboxMail = Selectable<PortalMailOutboxTable>;
export type Notice = Selectable<PortalNoticesTable>;

export interface NewMail {
  to: string;
  subject: string;
  body: string;
}

/**
 * Queues mail inside the caller's transaction (`db` a transaction's), so the mail is queued if
 * and only if its change commits: there is no separate enqueue, so no change can mail apart from it.
 */
export async function insertMail(
  db: Kysely<Database>,
  mails: readonly NewMail[],
  at: Date,
): Promise<void> {
  if (mails.length === 0) return;
  await db
    .insertInto('portal.mail_outbox')
    .values(
      mails.map((m) => ({ to_address: m.to, subject: m.subject, body: m.body, created_at: at })),
    )
    .execute();
}

/** Newest first; with `to`, only that address's mail. */
export async function listMail(
  handle: DatabaseHandle,
  options: { to?: string; limit?: number } = {},
): Promise<OutboxMail[]> {
  let query = handle.db.selectFrom('portal.mail_outbox').selectAll();
  if (options.to) query = query.where('to_address', '=', options.to);
  return query
    .orderBy('id', 'desc')
    .limit(options.limit ?? 100)
    .execute();
}

const MAIL_QUEUE: LeasedQueue = {
  table: 'portal.mail_outbox',
  key: 'id',
  leaseColumn: 'claimed_until',
  holderColumn: 'claimed_by',
  pending: 't.sent_at is null',
  order: 't.id',
};

/**
 * Claims up to `limit` unsent mails, oldest first, for `leaseMs`: dispatchers of other instances
 * skip them, and send them when the lease runs out unsent (the claimer was killed).
 */
export async function claimUnsentMail(
  handle: DatabaseHandle,
  options: { now: Date; leaseMs: number; limit: number; holder: string },
): Promise<OutboxMail[]> {
  const rows = await claimLeasedRows<OutboxMail>(handle, MAIL_QUEUE, {
    ...options,
    returning: 't.*',
  });
  return rows.sort((a, b) => a.id - b.id);
}

/** Marks a mail sent, once: false when it was sent already (by a claimer whose lease ran out). */
export async function markMailSent(handle: DatabaseHandle, id: number, at: Date): Promise<boolean> {
  const result = await handle.db
    .updateTable('portal.mail_outbox')
    .set({ sent_at: at, claimed_until: null })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives a claimed mail back at once (its send failed): the next run tries it again. */
export async function releaseMail(handle: DatabaseHandle, id: number): Promise<void> {
  await handle.db
    .updateTable('portal.mail_outbox')
    .set({ claimed_until: null, claimed_by: null })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .execute();
}

/** Publishes a notice and queues its `mails` in one transaction: both are written or neither. */
export async function insertNotice(
  handle: DatabaseHandle,
  notice: { title: string; body: string; publishedAt: Date },
  mails: readonly NewMail[] = [],
): Promise<Notice> {
  return handle.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('portal.notices')
      .values({ title: notice.title, body: notice.body, published_at: notice.publishedAt })
      .returningAll()
      .executeTakeFirstOrThrow();
    await insertMail(trx, mails, notice.publishedAt);
    return row;
  });
}

export async function listNotices(handle: DatabaseHandle, limit = 20): Promise<Notice[]> {
  return handle.db
    .selectFrom('portal.notices')
    .selectAll()
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
