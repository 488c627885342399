// The qualification outbox (the hand-off to eligibility-api). Events carry a personRef, never a
// My Number. A writer appends its events as one batch: it takes a batch id, inserts the events at
// positions 0..n-1 (in parallel with other writers), and last, under the outbox lock, seals the
// batch with the next range of sequence numbers. The lock is held to commit, so ranges commit in
// sequence order and a reader paging by sequence never skips an event that commits later.
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { DatabaseHandle } from '../database.js';
import type { RawExecutor } from './raw.js';

export interface OutboxEvent {
  sequence: number;
  eventId: string;
  occurredAt: string;
  personRef: string;
  qualification: Record<string, unknown>;
}

/**
 * A new event id: a UUIDv7, so ids made together sort together and the outbox's unique index on
 * them grows at one edge (a random id takes a random leaf page of a large index per event).
 */
export function newEventId(): string {
  return uuidv7();
}

/** The id of a new batch of outbox events. No lock: batches are written in parallel. */
export async function newOutboxBatch(executor: RawExecutor): Promise<number> {
  const { rows } = await executor.query<{ id: string | number }>(
    `select nextval('intermediate.outbox_batch_ids') as id`,
  );
  return Number(rows[0]!.id);
}

/**
 * Gives a batch of `size` events the next `size` sequence numbers. Takes the outbox lock, which
 * is held until commit: call it as the last statement of the writer's transaction.
 */
export async function sealOutboxBatch(
  executor: RawExecutor,
  batchId: number,
  size: number,
): Promise<void> {
  if (size === 0) return;
  await executor.query(`select pg_advisory_xact_lock(7300001)`);
  await executor.query(
    `insert into intermediate.outbox_batches (batch_id, first_sequence, size)
     select $1::bigint, coalesce((select first_sequence + size from intermediate.outbox_batches
                                  order by first_sequence desc limit 1), 1), $2::int`,
    [batchId, size],
  );
}

/** Events after sequence `after`, in sequence order. */
export async function listOutboxEvents(
  handle: DatabaseHandle,
  options: { after: number; limit: number },
): Promise<OutboxEvent[]> {
  // The batches from the one holding sequence after + 1, their events in order.
  const { rows } = await sql<{
    sequence: string | number;
    event_id: string;
    occurred_at: string | Date;
    person_ref: string;
    payload: Record<string, unknown>;
  }>`
    select b.first_sequence + e.position as sequence, e.event_id, e.occurred_at, e.person_ref,
           e.payload
    from intermediate.outbox_batches b
    join intermediate.outbox e on e.batch_id = b.batch_id
    where b.first_sequence >= coalesce((select max(first_sequence) from intermediate.outbox_batches
                                        where first_sequence <= ${options.after + 1}), 0)
      and b.first_sequence + e.position > ${options.after}
    order by b.first_sequence, e.position
    limit ${options.limit}`.execute(handle.db);
  return rows.map((row) => ({
    sequence: Number(row.sequence),
    eventId: row.event_id,
    occurredAt: new Date(row.occurred_at).toISOString(),
    personRef: row.person_ref,
    qualification: row.payload,
  }));
}
