// Qualifications withheld from viewing (閲覧停止). A qualification.withheld event deletes the
// qualification's row, so every lookup (by card numbers, by person) stops finding it at once and
// the confirmation answers as for a qualification it does not hold; the event's sequence is kept
// here so that an upsert older than it (a replay) cannot serve the qualification again. The next
// newer upsert (the insurer's fix or its "no suspicion" confirmation) serves it again and clears
// the mark. Kept apart from qualifications.ts, whose lookups stay as they are.
import type {
  QualificationEvent,
  QualificationOutboxEvent,
  QualificationWithheldEvent,
} from '@shikaku/core/qualification-event';
import { outboxEventQualificationId } from '@shikaku/core/qualification-event';
import type { DatabaseHandle } from '../database.js';
import { applyQualificationEvents } from './qualifications.js';

/**
 * Applies a page of outbox events of both kinds and moves the consumer's cursor, in one
 * transaction. The newest event per qualification decides; replaying a page changes nothing.
 * With `after` (the cursor the page was fetched from) the page is applied only while the cursor
 * still stands there: a relay of another instance that moved it meanwhile wins, and this page is
 * dropped (false), so the cursor never moves back.
 */
export async function applyOutboxEventsPage(
  handle: DatabaseHandle,
  consumer: string,
  events: readonly QualificationOutboxEvent[],
  next: number,
  at: Date,
  after?: number,
): Promise<boolean> {
  return handle.db.transaction().execute(async (trx) => {
    if (after !== undefined) {
      const cursor = await trx
        .selectFrom('eligibility.outbox_cursor')
        .select('last_sequence')
        .where('consumer', '=', consumer)
        .forUpdate()
        .executeTakeFirst();
      if (Number(cursor?.last_sequence ?? 0) !== after) return false;
    }
    const inTrx: DatabaseHandle = { ...handle, db: trx };
    await applyOutboxEvents(inTrx, events, at);
    await trx
      .insertInto('eligibility.outbox_cursor')
      .values({ consumer, last_sequence: next, updated_at: at })
      .onConflict((oc) =>
        oc.column('consumer').doUpdateSet({ last_sequence: next, updated_at: at }),
      )
      .execute();
    return true;
  });
}

/** Applies upserts and withholds; call it inside a transaction. */
export async function applyOutboxEvents(
  handle: DatabaseHandle,
  events: readonly QualificationOutboxEvent[],
  at: Date,
): Promise<void> {
  const latest = new Map<string, QualificationOutboxEvent>();
  for (const event of events) {
    const id = outboxEventQualificationId(event);
    const seen = latest.get(id);
    if (!seen || seen.sequence < event.sequence) latest.set(id, event);
  }
  const upserts: QualificationEvent[] = [];
  const withholds: QualificationWithheldEvent[] = [];
  for (const event of latest.values()) {
    if (event.type === 'qualification.withheld') withholds.push(event);
    else upserts.push(event);
  }

  if (upserts.length > 0) {
    const marks = await handle.db
      .selectFrom('eligibility.withheld_qualifications')
      .select(['qualification_id', 'source_sequence'])
      .where(
        'qualification_id',
        'in',
        upserts.map((e) => e.qualification.qualificationId),
      )
      .execute();
    const withheldAt = new Map(marks.map((m) => [m.qualification_id, Number(m.source_sequence)]));
    const served = upserts.filter(
      (e) => (withheldAt.get(e.qualification.qualificationId) ?? -1) < e.sequence,
    );
    await applyQualificationEvents(handle, served, at);
    const released = served
      .map((e) => e.qualification.qualificationId)
      .filter((id) => withheldAt.has(id));
    if (released.length > 0) {
      await handle.db
        .deleteFrom('eligibility.withheld_qualifications')
        .where('qualification_id', 'in', released)
        .execute();
    }
  }

  for (const event of withholds) {
    await handle.db
      .insertInto('eligibility.withheld_qualifications')
      .values({
        qualification_id: event.qualificationId,
        person_ref: event.personRef,
        source_sequence: event.sequence,
        withheld_at: at,
      })
      .onConflict((oc) =>
        oc
          .column('qualification_id')
          .doUpdateSet((eb) => ({
            source_sequence: eb.ref('excluded.source_sequence'),
            withheld_at: eb.ref('excluded.withheld_at'),
          }))
          .where('eligibility.withheld_qualifications.source_sequence', '<', (eb) =>
            eb.ref('excluded.source_sequence'),
          ),
      )
      .execute();
    await handle.db
      .deleteFrom('eligibility.qualifications')
      .where('qualification_id', '=', event.qualificationId)
      .where('source_sequence', '<', event.sequence)
      .execute();
  }
}

/** Whether a qualification is withheld from viewing now. */
export async function isQualificationWithheld(
  handle: DatabaseHandle,
  qualificationId: string,
): Promise<boolean> {
  const row = await handle.db
    .selectFrom('eligibility.withheld_qualifications')
    .select('qualification_id')
    .where('qualification_id', '=', qualificationId)
    .executeTakeFirst();
  return row !== undefined;
}
