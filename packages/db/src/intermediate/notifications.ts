// Notifications to insurers: suspicions and J-LIS results. An insurer only ever sees its own.
import type { DatabaseHandle } from '../database.js';

export interface Notification {
  id: number;
  qualificationId: string;
  kind: string;
  message: string;
  createdAt: string;
  readAt: string | null;
  acknowledgedAt: string | null;
}

export async function listNotifications(
  handle: DatabaseHandle,
  insurerNumber: string,
  options: { after?: number | undefined; limit: number; unacknowledged?: boolean | undefined },
): Promise<Notification[]> {
  let query = handle.db
    .selectFrom('intermediate.notifications')
    .select([
      'id',
      'qualification_id',
      'kind',
      'message',
      'created_at',
      'read_at',
      'acknowledged_at',
    ])
    .where('insurer_number', '=', insurerNumber);
  if (options.after !== undefined) query = query.where('id', '>', options.after);
  if (options.unacknowledged) query = query.where('acknowledged_at', 'is', null);
  const rows = await query.orderBy('id').limit(options.limit).execute();
  return rows.map((row) => ({
    id: Number(row.id),
    qualificationId: row.qualification_id,
    kind: row.kind,
    message: row.message,
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

export interface PendingWebhook {
  id: number;
  insurerNumber: string;
  webhookUrl: string;
  qualificationId: string;
  kind: string;
  message: string;
  createdAt: string;
}

/** Notifications of insurers with a webhook that were not delivered yet, oldest first. */
export async function listUndeliveredWebhooks(
  handle: DatabaseHandle,
  limit: number,
): Promise<PendingWebhook[]> {
  const rows = await handle.db
    .selectFrom('intermediate.notifications as n')
    .innerJoin('intermediate.insurers as i', 'i.insurer_number', 'n.insurer_number')
    .select([
      'n.id',
      'n.insurer_number',
      'i.webhook_url',
      'n.qualification_id',
      'n.kind',
      'n.message',
      'n.created_at',
    ])
    .where('i.webhook_url', 'is not', null)
    .where('n.webhook_delivered_at', 'is', null)
    .orderBy('n.id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    insurerNumber: row.insurer_number,
    webhookUrl: row.webhook_url ?? '',
    qualificationId: row.qualification_id,
    kind: row.kind,
    message: row.message,
    createdAt: new Date(row.created_at).toISOString(),
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
