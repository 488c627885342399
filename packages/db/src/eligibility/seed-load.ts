// The first fill of an empty eligibility store in one statement: the embedded stack's insurer-api
// has just seeded its outbox in the same database, and a hundred relay pages of upserts become one
// `insert … select` (docs/benchmarks.md, stack start-up). Only into an empty store whose cursor
// stands at the start, where applying the events page by page could only insert them, so both
// ways end with the same rows and cursor.
import type { DatabaseHandle } from '../database.js';
import { lockForLoad, withIndexesBuiltAfter } from '../intermediate/indexes-after-load.js';
import { withRawTransaction } from '../intermediate/raw.js';
import type { InstitutionRecord } from './institutions.js';
import { QUALIFICATION_COLUMNS } from './qualifications.js';

const COLUMNS = [...QUALIFICATION_COLUMNS, 'source_sequence', 'updated_at'];

/**
 * Fills an empty store from the outbox in the same database, in one `insert … select`, and moves
 * `consumer`'s cursor to the outbox's end, in one transaction: for the embedded stack, whose
 * intermediate server has just seeded its outbox there. The rows are the outbox reader's snapshot
 * (intermediate/outbox.ts SNAPSHOT_SQL) as the relay stores it, no My Number read; the stack's
 * seed-equivalence test holds them equal to relaying every event. Returns how many events it
 * loaded, or 0, with nothing written, when the store holds a qualification or a withhold, the
 * cursor is past 0, or the outbox holds what only the relay can apply (a withheld registration, a
 * qualification changed twice).
 */
export async function loadOutboxIntoEmptyStore(
  handle: DatabaseHandle,
  consumer: string,
  at: Date,
): Promise<number> {
  return withRawTransaction(handle, async (executor) => {
    await lockForLoad(executor, ['eligibility.qualifications']);
    const { rows: state } = await executor.query<{
      stored: boolean;
      cursor: number | null;
      events: number;
      distinct: number;
      withheld: boolean;
      last: number | null;
    }>(
      `select exists (select 1 from eligibility.qualifications)
                or exists (select 1 from eligibility.withheld_qualifications) as stored,
              (select last_sequence from eligibility.outbox_cursor where consumer = $1) as cursor,
              count(*)::int as events, count(distinct e.qualification_id)::int as distinct,
              coalesce(bool_or(r.blocked or r.qualification_id is null), false) as withheld,
              max(b.first_sequence + e.position) as last
       from intermediate.outbox e
       join intermediate.outbox_batches b using (batch_id)
       left join intermediate.registrations r using (qualification_id)`,
      [consumer],
    );
    const s = state[0]!;
    if (s.stored || Number(s.cursor ?? 0) !== 0 || s.events === 0) return 0;
    if (s.withheld || s.distinct !== s.events) return 0;
    // The store is empty: its indexes are built once the rows are in.
    await withIndexesBuiltAfter(executor, ['eligibility.qualifications'], () =>
      executor.query(
        `insert into eligibility.qualifications (${COLUMNS.join(', ')})
         select r.qualification_id, r.person_ref, r.insurer_number, coalesce(i.name, ''),
                r.card_classification, coalesce(r.card_symbol, ''), r.card_number, r.branch_number,
                r.personal_family, r.name, r.name_kana, r.sex, r.birth_date, r.address,
                r.post_number, r.qualification_date, r.disqualification_date, r.reason_of_loss,
                r.income_class, r.card_issued_on, r.card_valid_from, r.card_valid_to,
                b.first_sequence + e.position, $1::timestamptz
         from intermediate.outbox e
         join intermediate.outbox_batches b using (batch_id)
         join intermediate.registrations r using (qualification_id)
         left join intermediate.insurers i on i.insurer_number = r.insurer_number`,
        [at.toISOString()],
      ),
    );
    await executor.query(
      `insert into eligibility.outbox_cursor (consumer, last_sequence, updated_at)
       values ($1, $2, $3) on conflict (consumer) do update
       set last_sequence = excluded.last_sequence, updated_at = excluded.updated_at`,
      [consumer, Number(s.last), at.toISOString()],
    );
    return s.events;
  });
}

/**
 * Registers (or updates) many approved institutions in one statement, each as `upsertInstitution`
 * would: for the embedded stack, whose portal seed marks institutions operating in the same
 * database, where one internal HTTP call each cost ~1.5 s of every start (docs/benchmarks.md,
 * stack start-up). An institution code given twice keeps its last entry. Returns how many.
 */
export async function upsertInstitutionsInBulk(
  handle: DatabaseHandle,
  institutions: readonly InstitutionRecord[],
  at: Date,
): Promise<number> {
  const byCode = new Map(institutions.map((i) => [i.institutionCode, i]));
  if (byCode.size === 0) return 0;
  const rows = [...byCode.values()];
  await withRawTransaction(handle, (executor) =>
    executor.query(
      `insert into eligibility.institutions
         (institution_code, facility_type, name, rate_limit_per_second, created_at)
       select code, facility_type, name, rate_limit, $5::timestamptz
       from unnest($1::text[], $2::text[], $3::text[], $4::int[])
         as i (code, facility_type, name, rate_limit)
       on conflict (institution_code) do update
       set facility_type = excluded.facility_type, name = excluded.name,
           rate_limit_per_second = excluded.rate_limit_per_second`,
      [
        rows.map((i) => i.institutionCode),
        rows.map((i) => i.facilityType),
        rows.map((i) => i.name),
        rows.map((i) => i.rateLimitPerSecond),
        at.toISOString(),
      ],
    ),
  );
  return rows.length;
}
