import type { QualificationEvent, QualificationSnapshot } from '@shikaku/core/qualification-event';
import { sql } from 'kysely';
import { batchedPerHandle, LOOKUP_BATCHING } from '../batching.js';
import { readsOf } from '../read-replica.js';
import {
  type DatabaseHandle,
  type PreparedStatement,
  queryPrepared,
  unnestParameters,
} from '../database.js';
import type { QualificationsTable } from './tables.js';

/** A stored qualification with the person it belongs to. */
export interface StoredQualification extends QualificationSnapshot {
  personRef: string;
}

const COLUMNS = [
  'qualification_id',
  'person_ref',
  'insurer_number',
  'insurer_name',
  'insured_card_classification',
  'insured_card_symbol',
  'insured_identification_number',
  'insured_branch_number',
  'personal_family_classification',
  'name',
  'name_kana',
  'sex',
  'birth_date',
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

/** A qualification's columns besides its sequence and time (seed-load.ts COPYs them too). */
export const QUALIFICATION_COLUMNS: readonly string[] = COLUMNS;

type Row = Pick<QualificationsTable, (typeof COLUMNS)[number]>;

function toStored(row: Row): StoredQualification {
  return {
    qualificationId: row.qualification_id,
    personRef: row.person_ref,
    insurerNumber: row.insurer_number,
    insurerName: row.insurer_name,
    insuredCardClassification: row.insured_card_classification,
    insuredCardSymbol: row.insured_card_symbol === '' ? null : row.insured_card_symbol,
    insuredIdentificationNumber: row.insured_identification_number,
    insuredBranchNumber: row.insured_branch_number,
    personalFamilyClassification: row.personal_family_classification as '1' | '2',
    name: row.name,
    nameKana: row.name_kana,
    sex: row.sex as '1' | '2' | '3',
    birthDate: row.birth_date,
    address: row.address,
    postNumber: row.post_number,
    qualificationDate: row.qualification_date,
    disqualificationDate: row.disqualification_date,
    reasonOfLoss: row.reason_of_loss,
    incomeClass: row.income_class as StoredQualification['incomeClass'],
    cardIssuedOn: row.card_issued_on,
    cardValidFrom: row.card_valid_from,
    cardValidTo: row.card_valid_to,
  };
}

/**
 * A card date of an event's snapshot: events published before snapshots carried the card dates
 * (or replayed from such a producer) lack the key, which reads as null.
 */
function cardDate(value: string | null | undefined): string | null {
  return value ?? null;
}

/**
 * Applies outbox events: an idempotent upsert keyed by qualificationId, where an event older than
 * the stored row (by outbox sequence) changes nothing. Replaying a page is harmless.
 */
export async function applyQualificationEvents(
  handle: DatabaseHandle,
  events: readonly QualificationEvent[],
  at: Date,
): Promise<void> {
  if (events.length === 0) return;
  // The newest event per qualification wins inside the page too.
  const latest = new Map<string, QualificationEvent>();
  for (const event of events) {
    const seen = latest.get(event.qualification.qualificationId);
    if (!seen || seen.sequence < event.sequence)
      latest.set(event.qualification.qualificationId, event);
  }
  const rows = [...latest.values()].map((event) => {
    const q = event.qualification;
    return {
      qualification_id: q.qualificationId,
      person_ref: event.personRef,
      insurer_number: q.insurerNumber,
      insurer_name: q.insurerName,
      insured_card_classification: q.insuredCardClassification,
      insured_card_symbol: q.insuredCardSymbol ?? '',
      insured_identification_number: q.insuredIdentificationNumber,
      insured_branch_number: q.insuredBranchNumber,
      personal_family_classification: q.personalFamilyClassification,
      name: q.name,
      name_kana: q.nameKana,
      sex: q.sex,
      birth_date: q.birthDate,
      address: q.address,
      post_number: q.postNumber,
      qualification_date: q.qualificationDate,
      disqualification_date: q.disqualificationDate,
      reason_of_loss: q.reasonOfLoss,
      income_class: q.incomeClass,
      card_issued_on: cardDate(q.cardIssuedOn),
      card_valid_from: cardDate(q.cardValidFrom),
      card_valid_to: cardDate(q.cardValidTo),
      source_sequence: event.sequence,
      updated_at: at,
    };
  });
  await handle.db
    .insertInto('eligibility.qualifications')
    .values(rows)
    .onConflict((oc) =>
      oc
        .column('qualification_id')
        .doUpdateSet((eb) =>
          Object.fromEntries(
            [
              ...COLUMNS.filter((c) => c !== 'qualification_id'),
              'source_sequence',
              'updated_at',
            ].map((c) => [c, eb.ref(`excluded.${c}` as 'excluded.name')]),
          ),
        )
        .where('eligibility.qualifications.source_sequence', '<', (eb) =>
          eb.ref('excluded.source_sequence'),
        ),
    )
    .execute();
}

const COLUMN_LIST = COLUMNS.join(', ');

/**
 * The hot path, one round trip for a batch of searches (key k = the search's 1-based position):
 * the qualifications of each card number + birth date (one index probe per key), and with them
 * every qualification of the same person when a matched one has a loss date (telling validity 2
 * from 3 needs the person's other qualifications; core decides). A card that never lost anything
 * costs no second probe.
 */
export const CARDS_WITH_RELATED: PreparedStatement = {
  name: 'eligibility.qualifications.cards-with-related',
  text: `with keys as (
      select * from ${unnestParameters(['text', 'text', 'date'])}
        with ordinality as key(insurer_number, insured_identification_number, birth_date, k)),
    card as (
      select keys.k, ${COLUMNS.map((c) => `q.${c}`).join(', ')}
      from keys join eligibility.qualifications q
        on q.insurer_number = keys.insurer_number
        and q.insured_identification_number = keys.insured_identification_number
        and q.birth_date = keys.birth_date)
    select true as is_match, card.* from card
    union all
    select false, lost.k, ${COLUMNS.map((c) => `q.${c}`).join(', ')}
    from (select distinct k, person_ref from card where disqualification_date is not null) lost
      join eligibility.qualifications q on q.person_ref = lost.person_ref`,
};

const BY_PERSON: PreparedStatement = {
  name: 'eligibility.qualifications.by-person',
  text: `select ${COLUMN_LIST} from eligibility.qualifications where person_ref = $1`,
};

export interface CardSearch {
  insurerNumber: string;
  insuredIdentificationNumber: string;
  /** YYYY-MM-DD. */
  birthDate: string;
}

export interface CardQualifications {
  /** The rows of the card number + birth date (the caller narrows them by symbol and branch). */
  matched: StoredQualification[];
  /**
   * Every qualification of each person who has a matched row with a loss date, matched ones
   * included; empty when no matched row has one.
   */
  related: StoredQualification[];
}

/** Many searches in one statement; one answer per search, in order. */
export async function findQualificationsWithRelatedByCards(
  handle: DatabaseHandle,
  searches: readonly CardSearch[],
): Promise<CardQualifications[]> {
  const rows = await queryPrepared<Row & { is_match: boolean; k: number }>(
    handle,
    CARDS_WITH_RELATED,
    [
      searches.map((s) => s.insurerNumber),
      searches.map((s) => s.insuredIdentificationNumber),
      searches.map((s) => s.birthDate),
    ],
  );
  const found = searches.map((): CardQualifications => ({ matched: [], related: [] }));
  for (const row of rows) {
    const answer = found[Number(row.k) - 1];
    if (answer) (row.is_match ? answer.matched : answer.related).push(toStored(row));
  }
  return found;
}

// Concurrent lookups on one handle share a statement (batchedPerHandle), so every caller (spec
// search, REST, bulk, card) coalesces without being handed a batcher.
const cardLookup = batchedPerHandle(findQualificationsWithRelatedByCards, LOOKUP_BATCHING);

/**
 * The hot path: one search (card number + birth date), one round trip, shared with the searches
 * made concurrently on the same handle. Not inside a transaction (queryPrepared).
 */
export function findQualificationsWithRelatedByCard(
  handle: DatabaseHandle,
  search: CardSearch,
): Promise<CardQualifications> {
  return cardLookup(readsOf(handle), {
    insurerNumber: search.insurerNumber,
    insuredIdentificationNumber: search.insuredIdentificationNumber,
    birthDate: search.birthDate,
  });
}

/** Qualifications of one card number + birth date (one index probe). */
export async function findQualificationsByCard(
  handle: DatabaseHandle,
  query: { insurerNumber: string; insuredIdentificationNumber: string; birthDate: string },
): Promise<StoredQualification[]> {
  return (await findQualificationsWithRelatedByCard(handle, query)).matched;
}

/**
 * A card confirmation's reads in one round trip for a batch of certificate serials (k = the
 * serial's 1-based position): the card link (保険証利用登録) and every qualification of the person
 * it links to. A linked person with no qualification comes back as one row with null columns.
 */
const CERTIFICATES_WITH_QUALIFICATIONS: PreparedStatement = {
  // Unnamed, so planned on every run: the card links start empty in a fresh stack.
  text: `select keys.k, c.person_ref as holder, ${COLUMNS.map((col) => `q.${col}`).join(', ')}
    from unnest($1::text[]) with ordinality as keys(certificate_serial, k)
      join eligibility.card_links c on c.certificate_serial = keys.certificate_serial
      left join eligibility.qualifications q on q.person_ref = c.person_ref`,
};

/** The person a registered card links to, with all their qualifications. */
export interface CardHolder {
  personRef: string;
  qualifications: StoredQualification[];
}

/** Many certificate serials in one statement; one answer per serial (undefined: not linked). */
export async function findCardHoldersBySerials(
  handle: DatabaseHandle,
  serials: readonly string[],
): Promise<(CardHolder | undefined)[]> {
  const rows = await queryPrepared<
    { k: number; holder: string } & { [C in keyof Row]: Row[C] | null }
  >(handle, CERTIFICATES_WITH_QUALIFICATIONS, [serials]);
  const found = serials.map((): CardHolder | undefined => undefined);
  for (const row of rows) {
    const i = Number(row.k) - 1;
    const holder = (found[i] ??= { personRef: row.holder, qualifications: [] });
    if (row.qualification_id !== null) holder.qualifications.push(toStored(row as Row));
  }
  return found;
}

const holderLookup = batchedPerHandle(findCardHoldersBySerials, LOOKUP_BATCHING);

/**
 * The hot path of a card confirmation: the card's link and its person's qualifications, one round
 * trip shared with concurrent confirmations on the same handle. Read where lookups may be a little
 * stale (readsOf): a link the replica has is answered there. A link it does not have yet (a card
 * registered a moment ago) is read again on the primary before the answer is "not registered".
 * Only an unregistered card pays that second round trip; reading every link on the primary would
 * take all confirmations of registered cards off the replica.
 */
export async function findCardHolder(
  handle: DatabaseHandle,
  certificateSerial: string,
): Promise<CardHolder | undefined> {
  const reads = readsOf(handle);
  const holder = await holderLookup(reads, certificateSerial);
  if (holder || reads === handle) return holder;
  return holderLookup(handle, certificateSerial);
}

export async function findQualificationsByPerson(
  handle: DatabaseHandle,
  personRef: string,
): Promise<StoredQualification[]> {
  const rows = await queryPrepared<Row>(readsOf(handle), BY_PERSON, [personRef]);
  return rows.map(toStored);
}

export async function countQualifications(handle: DatabaseHandle): Promise<number> {
  const row = await handle.db
    .selectFrom('eligibility.qualifications')
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function readOutboxCursor(handle: DatabaseHandle, consumer: string): Promise<number> {
  const row = await handle.db
    .selectFrom('eligibility.outbox_cursor')
    .select('last_sequence')
    .where('consumer', '=', consumer)
    .executeTakeFirst();
  return row ? Number(row.last_sequence) : 0;
}

/** Applies a page of events and moves the cursor in one transaction. */
export async function applyOutboxPage(
  handle: DatabaseHandle,
  consumer: string,
  events: readonly QualificationEvent[],
  next: number,
  at: Date,
): Promise<void> {
  await handle.db.transaction().execute(async (trx) => {
    const inTrx: DatabaseHandle = { ...handle, db: trx };
    await applyQualificationEvents(inTrx, events, at);
    await trx
      .insertInto('eligibility.outbox_cursor')
      .values({ consumer, last_sequence: next, updated_at: at })
      .onConflict((oc) =>
        oc.column('consumer').doUpdateSet({ last_sequence: next, updated_at: at }),
      )
      .execute();
  });
}
