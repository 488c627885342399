// Reading the qualification outbox (the hand-off to eligibility-api). Events carry a personRef,
// never a My Number; writers live in registrations.ts and checks.ts.
import type { DatabaseHandle } from '../database.js';

export interface OutboxEvent {
  sequence: number;
  eventId: string;
  occurredAt: string;
  personRef: string;
  qualification: Record<string, unknown>;
}

export async function listOutboxEvents(
  handle: DatabaseHandle,
  options: { after: number; limit: number },
): Promise<OutboxEvent[]> {
  const rows = await handle.db
    .selectFrom('intermediate.outbox')
    .select(['sequence', 'event_id', 'occurred_at', 'person_ref', 'payload'])
    .where('sequence', '>', options.after)
    .orderBy('sequence')
    .limit(options.limit)
    .execute();
  return rows.map((row) => ({
    sequence: Number(row.sequence),
    eventId: row.event_id,
    occurredAt: new Date(row.occurred_at).toISOString(),
    personRef: row.person_ref,
    qualification: row.payload,
  }));
}
