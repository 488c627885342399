// Registrations of members (one row per qualification, keyed by the card numbers within the
// insurer), written together with their notifications, J-LIS checks and outbox events in one
// transaction. The same SQL runs on PostgreSQL and PGlite; rows are loaded by COPY on PostgreSQL
// and by INSERT on PGlite (RawExecutor.load).
import type { Selectable } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { DatabaseHandle } from '../database.js';
import { lockForLoad, withIndexesBuiltAfter } from './indexes-after-load.js';
import { newOutboxBatch, sealOutboxBatch } from './outbox.js';
import { type RawExecutor, withRawTransaction } from './raw.js';
import type { RegistrationsTable } from './tables.js';

export type RegistrationCheckStatus =
  /** Registered before any check was in force. */
  | 'unchecked'
  | 'consistent'
  /** No history and no J-LIS query in force for the registration date. */
  | 'no-history'
  | 'birth-date-mismatch'
  | 'kana-mismatch'
  | 'jlis-pending'
  | 'jlis-verified'
  | 'jlis-mismatch'
  | 'jlis-not-found'
  /** The insurer confirmed the registration ("no suspicion", with a reason). */
  | 'confirmed';

/** A member's qualification as stored. */
export interface Registration {
  qualificationId: string;
  insurerNumber: string;
  /** 記号; null when the card has none. */
  cardSymbol: string | null;
  cardNumber: string;
  branchNumber: string;
  cardClassification: string;
  personalFamily: '1' | '2';
  myNumber: string;
  personRef: string;
  name: string;
  nameKana: string;
  birthDate: string;
  sex: '1' | '2' | '3';
  address: string;
  postNumber: string;
  qualificationDate: string;
  disqualificationDate: string | null;
  reasonOfLoss: string | null;
  incomeClass: 'general' | 'certain-income' | 'active-equivalent';
  /** 被保険者証交付年月日 (YYYY-MM-DD), or null when not given. */
  cardIssuedOn: string | null;
  /** 被保険者証有効開始年月日; null only on rows registered before the column existed. */
  cardValidFrom: string | null;
  /** 被保険者証有効終了年月日, or null when the card has no end date. */
  cardValidTo: string | null;
  registeredOn: string;
  checkStatus: RegistrationCheckStatus;
  noHistory: boolean;
  blocked: boolean;
}

/** One registration to write, with what its checks decided. */
export interface RegistrationWrite extends Registration {
  sourceHash: string | null;
  sourceLine: number | null;
  notification: { kind: string; message: string; dedupeKey: string } | null;
  /** Queue a J-LIS query for it, with this reason. */
  jlisCheck: string | null;
}

export interface SaveResult {
  /** Rows inserted or changed; an identical re-registration changes nothing. */
  changed: number;
  events: number;
  notifications: number;
  checks: number;
}

/** What the mis-entry rule compares a new registration with. */
export interface HistoryEntry {
  qualificationId: string;
  insurerNumber: string;
  cardSymbol: string | null;
  cardNumber: string;
  branchNumber: string;
  myNumber: string;
  birthDate: string;
  nameKana: string;
  registeredOn: string;
}

const FACT_COLUMNS = [
  'card_classification',
  'personal_family',
  'my_number',
  'person_ref',
  'name',
  'name_kana',
  'birth_date',
  'sex',
  'address',
  'post_number',
  'qualification_date',
  'disqualification_date',
  'reason_of_loss',
  'income_class',
  'card_issued_on',
  'card_valid_from',
  'card_valid_to',
] as const;

const STATE_COLUMNS = [
  'registered_on',
  'check_status',
  'no_history',
  'blocked',
  'source_hash',
  'source_line',
] as const;

const CARD_KEY = ['insurer_number', 'card_symbol', 'card_number', 'branch_number'] as const;

/** The columns a registration is written with, in `registrationValues` order. */
export const REGISTRATION_COLUMNS = [
  'qualification_id',
  ...CARD_KEY,
  ...FACT_COLUMNS,
  ...STATE_COLUMNS,
] as const;

/** A registration and what is done with it, in `stagingRow` order. */
const STAGING_COLUMNS = [
  ...REGISTRATION_COLUMNS,
  'notify_kind',
  'notify_message',
  'notify_key',
  'check_reason',
] as const;

const STAGING_TYPES: Record<(typeof STAGING_COLUMNS)[number], string> = {
  qualification_id: 'text',
  insurer_number: 'text',
  card_symbol: 'text',
  card_number: 'text',
  branch_number: 'text',
  card_classification: 'text',
  personal_family: 'text',
  my_number: 'text',
  person_ref: 'text',
  name: 'text',
  name_kana: 'text',
  birth_date: 'date',
  sex: 'text',
  address: 'text',
  post_number: 'text',
  qualification_date: 'date',
  disqualification_date: 'date',
  reason_of_loss: 'text',
  income_class: 'text',
  card_issued_on: 'date',
  card_valid_from: 'date',
  card_valid_to: 'date',
  registered_on: 'date',
  check_status: 'text',
  no_history: 'boolean',
  blocked: 'boolean',
  source_hash: 'text',
  source_line: 'integer',
  notify_kind: 'text',
  notify_message: 'text',
  notify_key: 'text',
  check_reason: 'text',
};

/**
 * The J-LIS columns of a registration, as a staging row `s` written at $1 sets them: a pending
 * check when it has a reason. A queued check resets them; anything else leaves them.
 */
const QUEUED_JLIS = {
  jlis_reason: 's.check_reason',
  jlis_status: "case when s.check_reason is not null then 'pending' end",
  jlis_attempts: '0',
  jlis_next_attempt_at: 'case when s.check_reason is not null then $1::timestamptz end',
  jlis_last_error: 'null',
  jlis_result: 'null',
  jlis_created_at: 'case when s.check_reason is not null then $1::timestamptz end',
  jlis_completed_at: 'null',
} as const;
const JLIS_COLUMNS = Object.keys(QUEUED_JLIS) as Array<keyof typeof QUEUED_JLIS>;

// Upserts by card key (the staging table holds one row per card key); a row whose facts did not
// change is left alone (idempotent re-upload), and only rows that changed get an outbox event (in
// outbox batch $2, from position $3 on), a notification, a J-LIS check (the registration's jlis_*
// columns). Nothing here is serialized between concurrent batches; sealing the outbox batch is.
const UPSERT_SQL = `
with up as (
  insert into intermediate.registrations as r (${REGISTRATION_COLUMNS.join(', ')}, updated_at, ${JLIS_COLUMNS.join(', ')})
  select ${REGISTRATION_COLUMNS.map((c) => `s.${c}`).join(', ')}, $1::timestamptz,
    ${JLIS_COLUMNS.map((c) => QUEUED_JLIS[c]).join(', ')}
  from reg_staging s
  on conflict (${CARD_KEY.join(', ')}) do update set
    ${[...FACT_COLUMNS, ...STATE_COLUMNS, 'updated_at'].map((c) => `${c} = excluded.${c}`).join(',\n    ')},
    resolution_reason = null,
    ${JLIS_COLUMNS.map(
      (c) =>
        `${c} = case when excluded.jlis_reason is null then r.${c} else ${
          c === 'jlis_created_at'
            ? 'coalesce(r.jlis_created_at, excluded.jlis_created_at)'
            : `excluded.${c}`
        } end`,
    ).join(',\n    ')}
  where (${FACT_COLUMNS.map((c) => `r.${c}`).join(', ')})
    is distinct from (${FACT_COLUMNS.map((c) => `excluded.${c}`).join(', ')})
  returning r.qualification_id, ${CARD_KEY.map((c) => `r.${c}`).join(', ')}, r.blocked,
    (r.xmax = 0) as inserted
), ev as (
  -- A new blocked card was never published: no event. A stored card that is blocked now gets one,
  -- which its readers see as withheld, so the eligibility side stops serving it at once.
  insert into intermediate.outbox (batch_id, position, event_id, occurred_at, qualification_id)
  select $2::bigint, $3::int + row_number() over (order by qualification_id) - 1,
         gen_random_uuid()::text, $1::timestamptz, qualification_id
  from up where not (blocked and inserted)
  returning 1
), nt as (
  insert into intermediate.notifications (insurer_number, qualification_id, kind, message, dedupe_key, created_at)
  select up.insurer_number, up.qualification_id, s.notify_kind, s.notify_message, s.notify_key, $1::timestamptz
  from reg_staging s join up using (${CARD_KEY.join(', ')})
  where s.notify_kind is not null
  on conflict (dedupe_key) do nothing
  returning 1
)
select (select count(*) from up)::int as changed, (select count(*) from ev)::int as events,
       (select count(*) from nt)::int as notifications,
       (select count(*) from reg_staging s join up using (${CARD_KEY.join(', ')})
        where s.check_reason is not null)::int as checks`;

/** What a new card's row is written with besides its registration columns. */
const INSERT_COLUMNS = [
  ...REGISTRATION_COLUMNS,
  'updated_at',
  'jlis_reason',
  'jlis_status',
  'jlis_next_attempt_at',
  'jlis_created_at',
];

/** The card keys among `rows` that are stored already. */
const EXISTING_CARDS_SQL = `
select r.${CARD_KEY.join(', r.')}
from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as k (${CARD_KEY.join(', ')})
join intermediate.registrations r using (${CARD_KEY.join(', ')})`;

/**
 * Writes a batch of classified registrations with their notifications, J-LIS checks and outbox
 * events, in one transaction. Within a batch the last line for a card key wins.
 */
export async function saveRegistrations(
  handle: DatabaseHandle,
  rows: readonly RegistrationWrite[],
  at: Date,
): Promise<SaveResult> {
  if (rows.length === 0) return { changed: 0, events: 0, notifications: 0, checks: 0 };
  return withRawTransaction(handle, (executor) => saveInTransaction(executor, rows, at));
}

/**
 * Saves the registrations of an empty intermediate server (the stack's seed) as saveRegistrations
 * would, in one transaction, with the registrations' and outbox's indexes built once the rows are
 * in (indexes-after-load.ts). Undefined, with nothing written, when a registration is stored.
 */
export async function seedRegistrations(
  handle: DatabaseHandle,
  rows: readonly RegistrationWrite[],
  at: Date,
): Promise<SaveResult | undefined> {
  const tables = ['intermediate.registrations', 'intermediate.outbox'];
  return withRawTransaction(handle, async (executor) => {
    await lockForLoad(executor, tables);
    const { rows: stored } = await executor.query<{ stored: boolean }>(
      'select exists (select 1 from intermediate.registrations) as stored',
    );
    if (stored[0]!.stored) return undefined;
    const batchId = await newOutboxBatch(executor);
    const saved = await withIndexesBuiltAfter(
      executor,
      tables,
      // No card is stored, so all are new: without the card index the COPY cannot conflict.
      () => insertIfAllNew(executor, lastPerCard(rows), at, batchId),
    );
    await sealOutboxBatch(executor, batchId, saved!.events);
    return saved;
  });
}

/**
 * New cards (most of a bulk file) are COPYed straight into the table with their outbox events,
 * in about 70% of the time of an upsert from a staging table, which compares every row with a
 * stored one (`bench:save`, docs/benchmarks.md). The batch is tried as all new first; if a card is
 * stored already (the COPY stops at the first, so little is lost), the stored ones are looked up
 * and upserted, the rest COPYed. A card another writer adds meanwhile sends the whole batch to
 * the upsert.
 */
async function saveInTransaction(
  executor: RawExecutor,
  rows: readonly RegistrationWrite[],
  at: Date,
): Promise<SaveResult> {
  const unique = lastPerCard(rows);
  const batchId = await newOutboxBatch(executor);
  let saved = await insertIfAllNew(executor, unique, at, batchId);
  if (!saved) {
    const stored = await storedCards(executor, unique);
    const fresh = unique.filter((row) => !stored.has(cardKey(row)));
    const known = unique.filter((row) => stored.has(cardKey(row)));
    const inserted = await insertIfAllNew(executor, fresh, at, batchId);
    saved = inserted
      ? addResults(inserted, await upsert(executor, known, at, batchId, inserted.events))
      : await upsert(executor, unique, at, batchId, 0);
  }
  await sealOutboxBatch(executor, batchId, saved.events);
  return saved;
}

/**
 * Inserts registrations of cards that are not stored, with their outbox events (the batch's first
 * positions), notifications and J-LIS checks; undefined (and nothing written) when one of the
 * cards is stored.
 */
async function insertIfAllNew(
  executor: RawExecutor,
  rows: readonly RegistrationWrite[],
  at: Date,
  batchId: number,
): Promise<SaveResult | undefined> {
  if (rows.length === 0) return { changed: 0, events: 0, notifications: 0, checks: 0 };
  const atIso = at.toISOString();
  await executor.query('savepoint new_cards');
  try {
    await executor.load(
      'intermediate.registrations',
      INSERT_COLUMNS,
      rows.map((row) => {
        const queuedAt = row.jlisCheck === null ? null : atIso;
        return [
          ...registrationValues(row),
          atIso,
          row.jlisCheck,
          row.jlisCheck === null ? null : 'pending',
          queuedAt,
          queuedAt,
        ];
      }),
    );
  } catch (error) {
    if (!isCardConflict(error)) throw error;
    await executor.query('rollback to savepoint new_cards');
    return undefined;
  }
  await executor.query('release savepoint new_cards');
  // Events in qualification-id order, as the upsert numbers them.
  const published = rows
    .filter((row) => !row.blocked)
    .map((row) => row.qualificationId)
    .sort();
  await executor.load(
    'intermediate.outbox',
    ['batch_id', 'position', 'event_id', 'occurred_at', 'qualification_id'],
    published.map((id, i) => [batchId, i, randomUUID(), atIso, id]),
  );
  const notified = rows.filter((row) => row.notification !== null);
  const notifications =
    notified.length === 0
      ? 0
      : (
          await executor.query<{ n: number }>(
            `with nt as (
               insert into intermediate.notifications (insurer_number, qualification_id, kind, message, dedupe_key, created_at)
               select insurer_number, qualification_id, kind, message, dedupe_key, $6::timestamptz
               from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                 as n (insurer_number, qualification_id, kind, message, dedupe_key)
               on conflict (dedupe_key) do nothing
               returning 1)
             select count(*)::int as n from nt`,
            [
              notified.map((row) => row.insurerNumber),
              notified.map((row) => row.qualificationId),
              notified.map((row) => row.notification!.kind),
              notified.map((row) => row.notification!.message),
              notified.map((row) => row.notification!.dedupeKey),
              atIso,
            ],
          )
        ).rows[0]!.n;
  return {
    changed: rows.length,
    events: published.length,
    notifications,
    checks: rows.filter((row) => row.jlisCheck !== null).length,
  };
}

/** A unique violation of the card key: a card of the batch is stored (or was just added). */
function isCardConflict(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  // PGlite's errors name no constraint; the only other unique key is the (random) id.
  return code === '23505' && (constraint === undefined || constraint === 'registrations_card');
}

/** Upserts registrations through a staging table (UPSERT_SQL), events from `position` on. */
async function upsert(
  executor: RawExecutor,
  rows: readonly RegistrationWrite[],
  at: Date,
  batchId: number,
  position: number,
): Promise<SaveResult> {
  if (rows.length === 0) return { changed: 0, events: 0, notifications: 0, checks: 0 };
  await executor.query(
    `create temp table reg_staging (${STAGING_COLUMNS.map((c) => `${c} ${STAGING_TYPES[c]}`).join(', ')}) on commit drop`,
  );
  await executor.load('reg_staging', STAGING_COLUMNS, rows.map(stagingRow));
  const result = await executor.query<SaveResult>(UPSERT_SQL, [
    at.toISOString(),
    batchId,
    position,
  ]);
  return result.rows[0]!;
}

async function storedCards(
  executor: RawExecutor,
  rows: readonly RegistrationWrite[],
): Promise<Set<string>> {
  const { rows: stored } = await executor.query<{
    insurer_number: string;
    card_symbol: string;
    card_number: string;
    branch_number: string;
  }>(EXISTING_CARDS_SQL, [
    rows.map((row) => row.insurerNumber),
    rows.map((row) => row.cardSymbol ?? ''),
    rows.map((row) => row.cardNumber),
    rows.map((row) => row.branchNumber),
  ]);
  return new Set(
    stored.map((r) =>
      cardKey({
        insurerNumber: r.insurer_number,
        cardSymbol: r.card_symbol === '' ? null : r.card_symbol,
        cardNumber: r.card_number,
        branchNumber: r.branch_number,
      }),
    ),
  );
}

function addResults(a: SaveResult, b: SaveResult): SaveResult {
  return {
    changed: a.changed + b.changed,
    events: a.events + b.events,
    notifications: a.notifications + b.notifications,
    checks: a.checks + b.checks,
  };
}

function cardKey(row: {
  insurerNumber: string;
  cardSymbol: string | null;
  cardNumber: string;
  branchNumber: string;
}): string {
  return `${row.insurerNumber}\t${row.cardSymbol ?? ''}\t${row.cardNumber}\t${row.branchNumber}`;
}

/** One registration per card key: of several, the one from the latest line of the file. */
function lastPerCard(rows: readonly RegistrationWrite[]): RegistrationWrite[] {
  const byCard = new Map<string, RegistrationWrite>();
  for (const row of rows) {
    const key = cardKey(row);
    const kept = byCard.get(key);
    if (!kept || (row.sourceLine ?? -1) >= (kept.sourceLine ?? -1)) byCard.set(key, row);
  }
  return byCard.size === rows.length ? [...rows] : [...byCard.values()];
}

/** A registration's values in REGISTRATION_COLUMNS order. */
export function registrationValues(w: RegistrationWrite): unknown[] {
  return [
    w.qualificationId,
    w.insurerNumber,
    w.cardSymbol ?? '',
    w.cardNumber,
    w.branchNumber,
    w.cardClassification,
    w.personalFamily,
    w.myNumber,
    w.personRef,
    w.name,
    w.nameKana,
    w.birthDate,
    w.sex,
    w.address,
    w.postNumber,
    w.qualificationDate,
    w.disqualificationDate,
    w.reasonOfLoss,
    w.incomeClass,
    w.cardIssuedOn,
    w.cardValidFrom,
    w.cardValidTo,
    w.registeredOn,
    w.checkStatus,
    w.noHistory,
    w.blocked,
    w.sourceHash,
    w.sourceLine,
  ];
}

/** A registration as a row of the staging table. */
function stagingRow(w: RegistrationWrite): unknown[] {
  return [
    ...registrationValues(w),
    w.notification?.kind ?? null,
    w.notification?.message ?? null,
    w.notification?.dedupeKey ?? null,
    w.jlisCheck,
  ];
}

/** Stored registrations of these My Numbers, by number: the history the mis-entry rule reads. */
export async function findHistory(
  handle: DatabaseHandle,
  myNumbers: readonly string[],
): Promise<Map<string, HistoryEntry[]>> {
  const history = new Map<string, HistoryEntry[]>();
  if (myNumbers.length === 0) return history;
  const unique = [...new Set(myNumbers)];
  const rows = await handle.db
    .selectFrom('intermediate.registrations')
    .select([
      'qualification_id',
      'insurer_number',
      'card_symbol',
      'card_number',
      'branch_number',
      'my_number',
      'birth_date',
      'name_kana',
      'registered_on',
    ])
    .where((eb) => eb('my_number', '=', eb.fn.any(eb.val(unique))))
    .execute();
  for (const row of rows) {
    const entry: HistoryEntry = {
      qualificationId: row.qualification_id,
      insurerNumber: row.insurer_number,
      cardSymbol: row.card_symbol === '' ? null : row.card_symbol,
      cardNumber: row.card_number,
      branchNumber: row.branch_number,
      myNumber: row.my_number,
      birthDate: row.birth_date,
      nameKana: row.name_kana,
      registeredOn: row.registered_on,
    };
    const list = history.get(row.my_number);
    if (list) list.push(entry);
    else history.set(row.my_number, [entry]);
  }
  return history;
}

export function toRegistration(row: Selectable<RegistrationsTable>): Registration {
  return {
    qualificationId: row.qualification_id,
    insurerNumber: row.insurer_number,
    cardSymbol: row.card_symbol === '' ? null : row.card_symbol,
    cardNumber: row.card_number,
    branchNumber: row.branch_number,
    cardClassification: row.card_classification,
    personalFamily: row.personal_family as Registration['personalFamily'],
    myNumber: row.my_number,
    personRef: row.person_ref,
    name: row.name,
    nameKana: row.name_kana,
    birthDate: row.birth_date,
    sex: row.sex as Registration['sex'],
    address: row.address,
    postNumber: row.post_number,
    qualificationDate: row.qualification_date,
    disqualificationDate: row.disqualification_date,
    reasonOfLoss: row.reason_of_loss,
    incomeClass: row.income_class as Registration['incomeClass'],
    cardIssuedOn: row.card_issued_on,
    cardValidFrom: row.card_valid_from,
    cardValidTo: row.card_valid_to,
    registeredOn: row.registered_on,
    checkStatus: row.check_status as RegistrationCheckStatus,
    noHistory: row.no_history,
    blocked: row.blocked,
  };
}

export async function findRegistration(
  handle: DatabaseHandle,
  qualificationId: string,
): Promise<Registration | undefined> {
  const row = await handle.db
    .selectFrom('intermediate.registrations')
    .selectAll()
    .where('qualification_id', '=', qualificationId)
    .executeTakeFirst();
  return row ? toRegistration(row) : undefined;
}

/** An insurer's registrations, oldest card key first, paged by qualification id. */
export async function listRegistrations(
  handle: DatabaseHandle,
  insurerNumber: string,
  options: { after?: string | undefined; limit: number; checkStatus?: string | undefined },
): Promise<Registration[]> {
  let query = handle.db
    .selectFrom('intermediate.registrations')
    .selectAll()
    .where('insurer_number', '=', insurerNumber);
  if (options.after) query = query.where('qualification_id', '>', options.after);
  if (options.checkStatus) query = query.where('check_status', '=', options.checkStatus);
  const rows = await query.orderBy('qualification_id').limit(options.limit).execute();
  return rows.map(toRegistration);
}

/** The person reference held for a My Number (any of its registrations), or undefined. */
export async function findPersonRef(
  handle: DatabaseHandle,
  myNumber: string,
): Promise<string | undefined> {
  const row = await handle.db
    .selectFrom('intermediate.registrations')
    .select('person_ref')
    .where('my_number', '=', myNumber)
    .limit(1)
    .executeTakeFirst();
  return row?.person_ref;
}

export async function countRegistrations(handle: DatabaseHandle): Promise<number> {
  const row = await handle.db
    .selectFrom('intermediate.registrations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The insurer's answer to a suspicion: "no suspicion" with a reason. Unblocks it, closes any
 * pending J-LIS check, and publishes it. False when no such registration of this insurer.
 */
export async function confirmRegistration(
  handle: DatabaseHandle,
  input: { insurerNumber: string; qualificationId: string; reason: string },
  at: Date,
): Promise<boolean> {
  return withRawTransaction(handle, async (executor) => {
    // A pending J-LIS check is cancelled: the insurer has answered.
    const updated = await executor.query<{ qualification_id: string }>(
      `update intermediate.registrations set check_status = 'confirmed', blocked = false,
         resolution_reason = $3, no_history = false, updated_at = $4::timestamptz,
         jlis_completed_at = case when jlis_status = 'pending' then $4::timestamptz else jlis_completed_at end,
         jlis_status = case when jlis_status = 'pending' then 'cancelled' else jlis_status end
       where qualification_id = $1 and insurer_number = $2 returning qualification_id`,
      [input.qualificationId, input.insurerNumber, input.reason, at.toISOString()],
    );
    if (updated.rows.length === 0) return false;
    await publishInTransaction(executor, input.qualificationId, at);
    return true;
  });
}

/**
 * Publishes the registration (its state when the event is read: a snapshot, or withheld while it
 * is blocked) as a batch of one outbox event. Seals the batch, so it takes the outbox lock until
 * commit: call it last in the transaction.
 */
export async function publishInTransaction(
  executor: RawExecutor,
  qualificationId: string,
  at: Date,
): Promise<void> {
  const batchId = await newOutboxBatch(executor);
  const inserted = await executor.query<{ n: number }>(
    `with e as (
       insert into intermediate.outbox (batch_id, position, event_id, occurred_at, qualification_id)
       select $3::bigint, 0, gen_random_uuid()::text, $2::timestamptz, qualification_id
       from intermediate.registrations where qualification_id = $1
       returning 1)
     select count(*)::int as n from e`,
    [qualificationId, at.toISOString(), batchId],
  );
  await sealOutboxBatch(executor, batchId, inserted.rows[0]!.n);
}

/** The registration of one card (insurer, 記号, 番号, 枝番), or undefined. */
export async function findRegistrationByCard(
  handle: DatabaseHandle,
  card: {
    insurerNumber: string;
    cardSymbol: string | null;
    cardNumber: string;
    branchNumber: string;
  },
): Promise<Registration | undefined> {
  const row = await handle.db
    .selectFrom('intermediate.registrations')
    .selectAll()
    .where('insurer_number', '=', card.insurerNumber)
    .where('card_symbol', '=', card.cardSymbol ?? '')
    .where('card_number', '=', card.cardNumber)
    .where('branch_number', '=', card.branchNumber)
    .executeTakeFirst();
  return row ? toRegistration(row) : undefined;
}
