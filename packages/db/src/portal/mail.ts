// The portal's mail outbox (written in the same request as the change it reports) and notices.
import type { Selectable } from 'kysely';
import type { DatabaseHandle } from '../database.js';
import type { PortalMailOutboxTable, PortalNoticesTable } from './tables.js';

export type OutboxMail = Selectable<PortalMailOutboxTable>;
export type Notice = Selectable<PortalNoticesTable>;

export interface NewMail {
  to: string;
  subject: string;
  body: string;
}

export async function enqueueMail(
  handle: DatabaseHandle,
  mails: readonly NewMail[],
  at: Date,
): Promise<void> {
  if (mails.length === 0) return;
  await handle.db
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

export async function listUnsentMail(handle: DatabaseHandle, limit: number): Promise<OutboxMail[]> {
  return handle.db
    .selectFrom('portal.mail_outbox')
    .selectAll()
    .where('sent_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function markMailSent(handle: DatabaseHandle, id: number, at: Date): Promise<void> {
  await handle.db
    .updateTable('portal.mail_outbox')
    .set({ sent_at: at })
    .where('id', '=', id)
    .execute();
}

export async function insertNotice(
  handle: DatabaseHandle,
  notice: { title: string; body: string; publishedAt: Date },
): Promise<Notice> {
  return handle.db
    .insertInto('portal.notices')
    .values({ title: notice.title, body: notice.body, published_at: notice.publishedAt })
    .returningAll()
    .executeTakeFirstOrThrow();
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
