// Notifications to insurers: suspicions and J-LIS results. An insurer only ever sees its own.
import { claimLeasedRows, type LeasedQueue } from '../claims.js';
import type { DatabaseHandle } from '../database.js';
import { withRawTransaction } from './raw.js';

export interface Notification {
  id: number;
  qualificationId: string;
  kind: string;
  message: string;
  /** Which check made it (the producer's key; insurer-api reads its source from it). */
  dedupeKey: string;
  createdAt: string;
  readAt: string | null;
  acknowledgedAt: string | null;
}

/** The work list's filters: kinds, state and a created-at window [from, to). */
export interface NotificationFilter {
  after?: number | undefined;
  limit: number;
  unacknowledged?: boolean | undefined;
  kinds?: readonly string[] | undefined;
  /** open: not acknowledged; unread: not read; acknowledged. */
  status?: 'open' | 'unread' | 'acknowledged' | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export async function listNotifications(
  handle: DatabaseHandle,
  insurerNumber: string,
  options: NotificationFilter,
): Promise<Notification[]> {
  let query = handle.db
    .selectFrom('intermediate.notifications')
    .select([
      'id',
      'qualification_id',
      'kind',
      'message',
      'dedupe_key',
      'created_at',
      'read_at',
      'acknowledged_at',
    ])
    .where('insurer_number', '=', insurerNumber);
  if (options.after !== undefined) query = query.where('id', '>', options.after);
  if (options.unacknowledged || options.status === 'open')
    query = query.where('acknowledged_at', 'is', null);
  if (options.status === 'unread') query = query.where('read_at', 'is', null);
  if (options.status === 'acknowledged') query = query.where('acknowledged_at', 'is not', null);
  if (options.kinds && options.kinds.length > 0)
    query = query.where('kind', 'in', [...options.kinds]);
  if (options.from) query = query.where('created_at', '>=', options.from);
  if (options.to) query = query.where('created_at', '<', options.to);
  const rows = await query.orderBy('id').limit(options.limit).execute();
  return rows.map((row) => ({
    id: Number(row.id),
    qualificationId: row.qualification_id,
    kind: row.kind,
    message: row.message,
    dedupeKey: row.dedupe_key,
    createdAt: new Date(row.created_at).toISOString(),
    readAt: row.read_at ? new Date(row.read_at).toISOString() : null,
    acknowledgedAt: row.acknowledged_at ? new Date(row.acknowledged_at).toISOString() : null,
  }));
}

/** Marks a notification read or acknowledged; false when the insurer has no such notification. */
export async function markNotification(
  handle: DatabaseHandle,
  insurerNumber: string,
  id: number,
  mark: 'read' | 'acknowledged',
  at: Date,
): Promise<boolean> {
  const result = await handle.db
    .updateTable('intermediate.notifications')
    .set(
      mark === 'read'
        ? (eb) => ({ read_at: eb.fn.coalesce('read_at', eb.val(at)) })
        : (eb) => ({
            acknowledged_at: eb.fn.coalesce('acknowledged_at', eb.val(at)),
            read_at: eb.fn.coalesce('read_at', eb.val(at)),
          }),
    )
    .where('insurer_number', '=', insurerNumber)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Tells the insurers whose earlier registration a new suspicion (another insurer's registration or
 * the re-match: same My Number, different birth date or kana) conflicts with: one notification per
 * earlier registration of another insurer, of the same kind, with `message(kind)` (no data of the
 * later insurer's member), keyed so that it is never raised twice. Each suspicion is handled once.
 */
export async function notifyCounterparts(
  handle: DatabaseHandle,
  message: (kind: string) => string,
  at: Date,
  limit = 1_000,
): Promise<{ suspicions: number; notified: number }> {
  return withRawTransaction(handle, async (executor) => {
    const due = await executor.query<{ id: string; kind: string }>(
      `select id::text, kind from intermediate.notifications
       where counterparts_notified_at is null
         and kind in ('BIRTH_DATE_MISMATCH', 'KANA_NAME_MISMATCH')
       order by id limit $1 for update skip locked`,
      [limit],
    );
    if (due.rows.length === 0) return { suspicions: 0, notified: 0 };
    const ids = due.rows.map((r) => r.id);
    const kinds = [...new Set(due.rows.map((r) => r.kind))];
    const inserted = await executor.query<{ n: number }>(
      `with ins as (
         insert into intermediate.notifications
           (insurer_number, qualification_id, kind, message, dedupe_key, created_at,
            counterparts_notified_at)
         select distinct on (o.qualification_id, n.kind)
                o.insurer_number, o.qualification_id, n.kind, m.message,
                'counterpart:' || o.qualification_id || ':' || n.kind || ':' || r.qualification_id,
                $2::timestamptz, $2::timestamptz
         from intermediate.notifications n
         join intermediate.registrations r on r.qualification_id = n.qualification_id
         join intermediate.registrations o
           on o.my_number = r.my_number and o.insurer_number <> r.insurer_number
          and o.registered_on <= r.registered_on
         join unnest($3::text[], $4::text[]) as m (kind, message) on m.kind = n.kind
         where n.id = any($1::bigint[])
         order by o.qualification_id, n.kind, n.id
         on conflict (dedupe_key) do nothing
         returning 1)
       select count(*)::int as n from ins`,
      [ids, at.toISOString(), kinds, kinds.map((kind) => message(kind))],
    );
    await executor.query(
      `update intermediate.notifications set counterparts_notified_at = $2::timestamptz
       where id = any($1::bigint[])`,
      [ids, at.toISOString()],
    );
    return { suspicions: ids.length, notified: inserted.rows[0]!.n };
  });
}

export interface PendingWebhook {
  id: number;
  insurerNumber: string;
  webhookUrl: string;
  /** Signs the delivery; null for an insurer whose webhook was set without one. */
  webhookSecret: string | null;
  qualificationId: string;
  kind: string;
  message: string;
  createdAt: string;
  /** Attempts made before this one. */
  attempts: number;
}

/** Notifications to deliver: of an insurer with a webhook, not delivered, not given up. */
const WEBHOOK_QUEUE: LeasedQueue = {
  table: 'intermediate.notifications',
  key: 'id',
  // webhook_next_at: the backoff after a failed attempt, and the lease of a claimed delivery.
  leaseColumn: 'webhook_next_at',
  pending: `t.webhook_delivered_at is null and t.webhook_abandoned_at is null
    and exists (select 1 from intermediate.insurers i
                where i.insurer_number = t.insurer_number and i.webhook_url is not null)`,
  order: 't.id',
};

/**
 * Claims up to `limit` notifications due for delivery (never delivered, not given up, past their
 * backoff), oldest first, for `leaseMs`: another instance skips them, and takes them over when the
 * lease runs out without an attempt recorded (the claimer was killed).
 */
export async function claimDueWebhooks(
  handle: DatabaseHandle,
  options: { now: Date; leaseMs: number; limit: number },
): Promise<PendingWebhook[]> {
  const claimed = await claimLeasedRows<{ id: string | number }>(handle, WEBHOOK_QUEUE, {
    ...options,
    returning: 't.id',
  });
  if (claimed.length === 0) return [];
  const rows = await handle.db
    .selectFrom('intermediate.notifications as n')
    .innerJoin('intermediate.insurers as i', 'i.insurer_number', 'n.insurer_number')
    .select([
      'n.id',
      'n.insurer_number',
      'i.webhook_url',
      'i.webhook_secret',
      'n.qualification_id',
      'n.kind',
      'n.message',
      'n.created_at',
      'n.webhook_attempts',
    ])
    .where(
      'n.id',
      'in',
      claimed.map((row) => Number(row.id)),
    )
    .orderBy('n.id')
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    insurerNumber: row.insurer_number,
    webhookUrl: row.webhook_url ?? '',
    webhookSecret: row.webhook_secret,
    qualificationId: row.qualification_id,
    kind: row.kind,
    message: row.message,
    createdAt: new Date(row.created_at).toISOString(),
    attempts: Number(row.webhook_attempts),
  }));
}

export async function markWebhookDelivered(
  handle: DatabaseHandle,
  id: number,
  at: Date,
): Promise<void> {
  await handle.db
    .updateTable('intermediate.notifications')
    .set({ webhook_delivered_at: at })
    .where('id', '=', id)
    .execute();
}

export interface WebhookAttempt {
  notificationId: number;
  insurerNumber: string;
  /** 1 for the first attempt. */
  attempt: number;
  url: string;
  outcome: 'delivered' | 'failed' | 'abandoned';
  statusCode: number | null;
  error: string | null;
  attemptedAt: Date;
  /** When it is tried again (failed), or null. */
  nextAttemptAt: Date | null;
}

/** Records one attempt and moves the notification on (delivered, backed off, or given up). */
export async function recordWebhookAttempt(
  handle: DatabaseHandle,
  attempt: WebhookAttempt,
): Promise<void> {
  await handle.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('intermediate.webhook_deliveries')
      .values({
        notification_id: attempt.notificationId,
        insurer_number: attempt.insurerNumber,
        attempt: attempt.attempt,
        url: attempt.url,
        outcome: attempt.outcome,
        status_code: attempt.statusCode,
        error: attempt.error,
        attempted_at: attempt.attemptedAt,
        next_attempt_at: attempt.nextAttemptAt,
      })
      .execute();
    await tx
      .updateTable('intermediate.notifications')
      .set({
        webhook_attempts: attempt.attempt,
        webhook_next_at: attempt.nextAttemptAt,
        ...(attempt.outcome === 'delivered' ? { webhook_delivered_at: attempt.attemptedAt } : {}),
        ...(attempt.outcome === 'abandoned' ? { webhook_abandoned_at: attempt.attemptedAt } : {}),
      })
      .where('id', '=', attempt.notificationId)
      .execute();
  });
}

export interface WebhookDelivery {
  id: number;
  notificationId: number;
  attempt: number;
  url: string;
  outcome: string;
  statusCode: number | null;
  error: string | null;
  attemptedAt: string;
  nextAttemptAt: string | null;
}

/** An insurer's delivery attempts, oldest first, paged by id. */
export async function listWebhookDeliveries(
  handle: DatabaseHandle,
  insurerNumber: string,
  options: { after?: number | undefined; limit: number; outcome?: string | undefined },
): Promise<WebhookDelivery[]> {
  let query = handle.db
    .selectFrom('intermediate.webhook_deliveries')
    .selectAll()
    .where('insurer_number', '=', insurerNumber);
  if (options.after !== undefined) query = query.where('id', '>', options.after);
  if (options.outcome) query = query.where('outcome', '=', options.outcome as 'delivered');
  const rows = await query.orderBy('id').limit(options.limit).execute();
  return rows.map((row) => ({
    id: Number(row.id),
    notificationId: Number(row.notification_id),
    attempt: row.attempt,
    url: row.url,
    outcome: row.outcome,
    statusCode: row.status_code,
    error: row.error,
    attemptedAt: new Date(row.attempted_at).toISOString(),
    nextAttemptAt: row.next_attempt_at ? new Date(row.next_attempt_at).toISOString() : null,
  }));
}
