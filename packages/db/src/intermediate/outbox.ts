// The qualification outbox (the hand-off to eligibility-api). Events carry a personRef, never a
// My Number. A writer appends its events as one batch: it takes a batch id, inserts the events at
// positions 0..n-1 (in parallel with other writers), and last, under the outbox lock, seals the
// batch with the next range of sequence numbers. The lock is held to commit, so ranges commit in
// sequence order and a reader paging by sequence never skips an event that commits later.
//
// An event row says which registration changed; its snapshot is built when it is read, from the
// registration as it is then. A registration blocked since (withheld from viewing) is read as a
// withheld event with no snapshot by readers that ask for those, and is left out for the others.
// A bulk file of a million members then writes a hundred bytes of outbox per member instead of a
// kilobyte of JSON.
import { sql } from 'kysely';
import type { DatabaseHandle } from '../database.js';
import type { RawExecutor } from './raw.js';

export interface OutboxEvent {
  sequence: number;
  eventId: string;
  occurredAt: string;
  personRef: string;
  qualification: Record<string, unknown>;
}

/** A registration withheld from viewing when its event is read: no snapshot. */
export interface WithheldOutboxEvent {
  sequence: number;
  eventId: string;
  occurredAt: string;
  personRef: string;
  qualificationId: string;
  withheld: true;
}

/** An event's payload (a QualificationSnapshot) from registration `r` and insurer `i`. No My Number. */
const SNAPSHOT_SQL = `jsonb_build_object(
  'qualificationId', r.qualification_id,
  'insurerNumber', r.insurer_number,
  'insurerName', coalesce(i.name, ''),
  'insuredCardClassification', r.card_classification,
  'insuredCardSymbol', nullif(r.card_symbol, ''),
  'insuredIdentificationNumber', r.card_number,
  'insuredBranchNumber', r.branch_number,
  'personalFamilyClassification', r.personal_family,
  'name', r.name,
  'nameKana', r.name_kana,
  'sex', r.sex,
  'birthDate', to_char(r.birth_date, 'YYYY-MM-DD'),
  'address', r.address,
  'postNumber', r.post_number,
  'qualificationDate', to_char(r.qualification_date, 'YYYY-MM-DD'),
  'disqualificationDate', to_char(r.disqualification_date, 'YYYY-MM-DD'),
  'reasonOfLoss', r.reason_of_loss,
  'incomeClass', r.income_class,
  'cardIssuedOn', to_char(r.card_issued_on, 'YYYY-MM-DD'),
  'cardValidFrom', to_char(r.card_valid_from, 'YYYY-MM-DD'),
  'cardValidTo', to_char(r.card_valid_to, 'YYYY-MM-DD'))`;

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

/**
 * Events after sequence `after`, in sequence order. With `includeWithheld`, an event whose
 * registration is blocked now is a WithheldOutboxEvent; without it, such events are left out
 * (the sequence has a gap there), as for readers written before withheld events existed.
 */
export async function listOutboxEvents(
  handle: DatabaseHandle,
  options: { after: number; limit: number; includeWithheld: true },
): Promise<Array<OutboxEvent | WithheldOutboxEvent>>;
export async function listOutboxEvents(
  handle: DatabaseHandle,
  options: { after: number; limit: number; includeWithheld?: false },
): Promise<OutboxEvent[]>;
export async function listOutboxEvents(
  handle: DatabaseHandle,
  options: { after: number; limit: number; includeWithheld?: boolean },
): Promise<Array<OutboxEvent | WithheldOutboxEvent>>;
export async function listOutboxEvents(
  handle: DatabaseHandle,
  options: { after: number; limit: number; includeWithheld?: boolean },
): Promise<Array<OutboxEvent | WithheldOutboxEvent>> {
  const includeWithheld = options.includeWithheld === true;
  // The batches from the one holding sequence after + 1, their events in order.
  const { rows } = await sql<{
    sequence: string | number;
    event_id: string;
    occurred_at: string | Date;
    person_ref: string;
    qualification_id: string;
    blocked: boolean;
    payload: Record<string, unknown> | null;
  }>`
    select b.first_sequence + e.position as sequence, e.event_id, e.occurred_at, r.person_ref,
           r.qualification_id, r.blocked,
           case when r.blocked then null else ${sql.raw(SNAPSHOT_SQL)} end as payload
    from intermediate.outbox_batches b
    join intermediate.outbox e on e.batch_id = b.batch_id
    join intermediate.registrations r on r.qualification_id = e.qualification_id
    left join intermediate.insurers i on i.insurer_number = r.insurer_number
    where b.first_sequence >= coalesce((select max(first_sequence) from intermediate.outbox_batches
                                        where first_sequence <= ${options.after + 1}), 0)
      and b.first_sequence + e.position > ${options.after}
      and (${includeWithheld} or not r.blocked)
    order by b.first_sequence, e.position
    limit ${options.limit}`.execute(handle.db);
  return rows.map((row) => {
    const common = {
      sequence: Number(row.sequence),
      eventId: row.event_id,
      occurredAt: new Date(row.occurred_at).toISOString(),
      personRef: row.person_ref,
    };
    return row.blocked || row.payload === null
      ? { ...common, qualificationId: row.qualification_id, withheld: true as const }
      : { ...common, qualification: row.payload };
  });
}
