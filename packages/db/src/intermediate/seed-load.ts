// What a freshly seeded intermediate server published, as the outbox reader would serve it, built
// from the registrations in memory: the stack hands these to the eligibility side in one bulk load
// instead of relaying a hundred pages of JSON (docs/benchmarks.md, stack start-up).
import type { QualificationEvent, QualificationSnapshot } from '@shikaku/core/qualification-event';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../database.js';
import type { RegistrationWrite } from './registrations.js';

/**
 * A registration as the outbox's snapshot of it (outbox.ts SNAPSHOT_SQL, written in TypeScript):
 * no My Number. The stack's equivalence test holds the two equal.
 */
export function registrationSnapshot(
  w: RegistrationWrite,
  insurerName: string,
): QualificationSnapshot {
  return {
    qualificationId: w.qualificationId,
    insurerNumber: w.insurerNumber,
    insurerName,
    insuredCardClassification: w.cardClassification,
    insuredCardSymbol: w.cardSymbol === '' ? null : w.cardSymbol,
    insuredIdentificationNumber: w.cardNumber,
    insuredBranchNumber: w.branchNumber,
    personalFamilyClassification: w.personalFamily,
    name: w.name,
    nameKana: w.nameKana,
    sex: w.sex,
    birthDate: w.birthDate,
    address: w.address,
    postNumber: w.postNumber,
    qualificationDate: w.qualificationDate,
    disqualificationDate: w.disqualificationDate,
    reasonOfLoss: w.reasonOfLoss,
    incomeClass: w.incomeClass,
    cardIssuedOn: w.cardIssuedOn,
    cardValidFrom: w.cardValidFrom,
    cardValidTo: w.cardValidTo,
  };
}

/**
 * The outbox events of `written` (registrations just saved), each with the sequence, id and time
 * the outbox gave it, in sequence order: the whole outbox, as its reader would serve it. Undefined
 * when the outbox holds an event that is not of `written` or is withheld now (then only the reader
 * can say what it serves).
 */
export async function publishedEventsOf(
  handle: DatabaseHandle,
  written: readonly RegistrationWrite[],
  insurerNames: ReadonlyMap<string, string>,
): Promise<QualificationEvent[] | undefined> {
  const { rows } = await sql<{
    qualification_id: string;
    sequence: string | number;
    event_id: string;
    occurred_at: string | Date;
  }>`
    select e.qualification_id, b.first_sequence + e.position as sequence, e.event_id, e.occurred_at
    from intermediate.outbox e join intermediate.outbox_batches b using (batch_id)`.execute(
    handle.db,
  );
  const byId = new Map(written.map((w) => [w.qualificationId, w]));
  const events: QualificationEvent[] = [];
  for (const row of rows) {
    const w = byId.get(row.qualification_id);
    if (!w || w.blocked) return undefined;
    events.push({
      sequence: Number(row.sequence),
      eventId: row.event_id,
      type: 'qualification.upserted',
      occurredAt: new Date(row.occurred_at).toISOString(),
      personRef: w.personRef,
      qualification: registrationSnapshot(w, insurerNames.get(w.insurerNumber) ?? ''),
    });
  }
  return events.sort((a, b) => a.sequence - b.sequence);
}

/** The insurer numbers stored (a restarted stack gives each a fresh key), in number order. */
export async function storedInsurerNumbers(handle: DatabaseHandle): Promise<string[]> {
  const rows = await handle.db
    .selectFrom('intermediate.insurers')
    .select('insurer_number')
    .orderBy('insurer_number')
    .execute();
  return rows.map((r) => r.insurer_number);
}
