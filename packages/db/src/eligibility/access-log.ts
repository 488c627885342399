import { type BatchFailureHook, createBatcher, retryingAloneOnFailure } from '../batching.js';
import {
  type DatabaseHandle,
  type PreparedStatement,
  queryPrepared,
  unnestParameters,
} from '../database.js';
import type { RawExecutor } from '../intermediate/raw.js';
import { CONSENT_COLUMNS, type ConsentRecord, consentColumnArrays } from './consents.js';

export interface AccessLogEntry {
  at: Date;
  institutionCode: string;
  personRef: string | null;
  kind: 'confirmation' | 'card-confirmation' | 'bulk' | 'drug-information' | 'checkup-information';
  items: string[];
  consentState: 'none' | 'valid' | 'expired' | 'not-given';
  qualificationValidity: string | null;
  /** Who viewed drug or checkup information: the registered practitioner and their role. */
  practitioner?: { practitionerId: string; role: string } | undefined;
  /**
   * A consent given in the same request (a card confirmation's): the entry's statement inserts it
   * too, so both are committed together, by the one commit the caller waits for.
   */
  consent?: ConsentRecord | undefined;
}

export interface AccessLogWriter {
  /** Resolves once the entry is committed (durable): callers answer only after it. */
  append(entry: AccessLogEntry): Promise<void>;
  /** Waits for what is queued, then stops. */
  close(): Promise<void>;
}

export interface AccessLogWriterOptions {
  /** Most entries in one INSERT. */
  maxBatch?: number;
  /**
   * INSERTs in flight at once (each on its own connection). One by default: rows that arrive
   * while an INSERT commits go together in the next, so under load a commit carries more rows
   * (fewer statements, commits and wake-ups of PostgreSQL for the same answers).
   */
  concurrency?: number;
  /** Told of each INSERT of several entries that failed (before they are retried in halves). */
  onBatchFailure?: BatchFailureHook;
}

/**
 * Group commit for the access log: entries that arrive while an INSERT is in flight are queued and
 * committed together by the next one, so the hot path pays one commit per batch instead of one per
 * request, and every caller still waits for its own entry's commit before it answers.
 */
export function createAccessLogWriter(
  handle: DatabaseHandle,
  options: AccessLogWriterOptions = {},
): AccessLogWriter {
  // A batch that fails (a consent's duplicate id) is retried in halves: only that caller fails.
  const batcher = createBatcher<AccessLogEntry, void>(
    retryingAloneOnFailure(async (entries) => {
      await insertEntries(handle, entries);
      return entries.map(() => undefined);
    }, options.onBatchFailure),
    { maxBatch: options.maxBatch ?? 1000, concurrency: options.concurrency ?? 1 },
  );
  return {
    append: (entry) => batcher.run(entry),
    close: () => batcher.idle(),
  };
}

/**
 * One statement text for any number of entries (a column per array), so it is prepared once per
 * connection instead of parsed and planned per batch size. The consents given with the entries
 * ride along ($10…, arrays as long as the consents, not the entries): a data-modifying WITH runs
 * exactly once whether or not the insert reads it, and one statement is one commit.
 */
const INSERT_ENTRIES: PreparedStatement = {
  name: 'eligibility.access_log.insert-with-consents',
  text: `with consent as (
      insert into eligibility.consents (${CONSENT_COLUMNS.join(', ')})
      select * from ${unnestParameters(
        [
          'text',
          'text',
          'text',
          'timestamptz',
          'timestamptz',
          'boolean',
          'boolean',
          'boolean',
          'boolean',
          'boolean',
        ],
        10,
      )})
    insert into eligibility.access_log
      (at, institution_code, person_ref, kind, items, consent_state, qualification_validity,
       practitioner_id, practitioner_role)
    select at, institution_code, person_ref, kind, items::jsonb, consent_state, qualification_validity,
      practitioner_id, practitioner_role
    from ${unnestParameters([
      'timestamptz',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
    ])} as e(at, institution_code, person_ref, kind, items,
      consent_state, qualification_validity, practitioner_id, practitioner_role)`,
};

/**
 * Inserts the entries, and the consents given with them, in one statement, in their order (ids
 * ascending), in one commit.
 */
export async function insertEntries(
  handle: DatabaseHandle,
  entries: readonly AccessLogEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await queryPrepared(handle, INSERT_ENTRIES, entryColumns(entries));
}

/** insertEntries inside a caller's transaction (the same statement, not prepared). */
export async function insertEntriesIn(
  executor: RawExecutor,
  entries: readonly AccessLogEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await executor.query(INSERT_ENTRIES.text, entryColumns(entries));
}

/** The statement's nine column arrays, then the consents' ten. */
function entryColumns(entries: readonly AccessLogEntry[]): unknown[] {
  const n = entries.length;
  const at = new Array<string>(n);
  const institutionCode = new Array<string>(n);
  const personRef = new Array<string | null>(n);
  const kind = new Array<string>(n);
  const items = new Array<string>(n);
  const consentState = new Array<string>(n);
  const validity = new Array<string | null>(n);
  const practitionerId = new Array<string | null>(n);
  const practitionerRole = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const e = entries[i] as AccessLogEntry;
    at[i] = e.at.toISOString();
    institutionCode[i] = e.institutionCode;
    personRef[i] = e.personRef;
    kind[i] = e.kind;
    items[i] = JSON.stringify(e.items);
    consentState[i] = e.consentState;
    validity[i] = e.qualificationValidity;
    practitionerId[i] = e.practitioner?.practitionerId ?? null;
    practitionerRole[i] = e.practitioner?.role ?? null;
  }
  return [
    at,
    institutionCode,
    personRef,
    kind,
    items,
    consentState,
    validity,
    practitionerId,
    practitionerRole,
    ...consentColumnArrays(entries.flatMap((e) => (e.consent ? [e.consent] : []))),
  ];
}

export interface AccessLogView extends AccessLogEntry {
  institutionName: string | null;
}

/** A person's own access log, newest first. */
export async function listAccessLogByPerson(
  handle: DatabaseHandle,
  personRef: string,
  limit = 200,
): Promise<AccessLogView[]> {
  const rows = await handle.db
    .selectFrom('eligibility.access_log as l')
    .leftJoin('eligibility.institutions as i', 'i.institution_code', 'l.institution_code')
    .select([
      'l.at',
      'l.institution_code',
      'l.person_ref',
      'l.kind',
      'l.items',
      'l.consent_state',
      'l.qualification_validity',
      'l.practitioner_id',
      'l.practitioner_role',
      'i.name',
    ])
    .where('l.person_ref', '=', personRef)
    .orderBy('l.at', 'desc')
    .orderBy('l.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    at: new Date(r.at),
    institutionCode: r.institution_code,
    institutionName: r.name,
    personRef: r.person_ref,
    kind: r.kind as AccessLogEntry['kind'],
    items: r.items,
    consentState: r.consent_state as AccessLogEntry['consentState'],
    qualificationValidity: r.qualification_validity,
    practitioner:
      r.practitioner_id && r.practitioner_role
        ? { practitionerId: r.practitioner_id, role: r.practitioner_role }
        : undefined,
  }));
}

/** Every row, for tests that prove what the log holds. */
export async function listAllAccessLog(handle: DatabaseHandle): Promise<unknown[]> {
  return handle.db.selectFrom('eligibility.access_log').selectAll().execute();
}
