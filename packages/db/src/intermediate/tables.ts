// Tables of the `intermediate` schema, keyed 'intermediate.<table>'. Only the owning app's
// repositories use them. This schema (with `jlis`) is the only place a My Number is stored.
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;

/** 医療保険者: one credential per insurer (only its hash is stored). */
export interface InsurersTable {
  insurer_number: string;
  name: string;
  /** sha256 hex of the insurer's API key. */
  key_hash: string;
  /** Where notifications are POSTed as they are made, or null. */
  webhook_url: string | null;
  /** Signs webhook deliveries (HMAC-SHA256); null: deliveries go unsigned (older insurers). */
  webhook_secret: string | null;
  created_at: Timestamp;
}

/**
 * One qualification (資格) of one member, keyed by the card numbers within the insurer. Holds the
 * My Number, the facts, the outcome of the mis-entry checks and whether it is held back from the
 * eligibility side (blocked).
 */
export interface RegistrationsTable {
  qualification_id: string;
  insurer_number: string;
  /** 記号; '' when the card has none (後期高齢者). */
  card_symbol: string;
  card_number: string;
  branch_number: string;
  card_classification: string;
  personal_family: string;
  my_number: string;
  person_ref: string;
  name: string;
  name_kana: string;
  birth_date: string;
  sex: string;
  address: string;
  post_number: string;
  qualification_date: string;
  disqualification_date: string | null;
  reason_of_loss: string | null;
  income_class: string;
  /** 被保険者証交付年月日, or null when not given. */
  card_issued_on: string | null;
  /** 被保険者証有効開始年月日; null only on rows registered before migration 0009. */
  card_valid_from: string | null;
  /** 被保険者証有効終了年月日, or null when the card has no end date. */
  card_valid_to: string | null;
  /** JST date the registration was made; the mis-entry rules in force are those of this date. */
  registered_on: string;
  /** Outcome of the checks (see RegistrationCheckStatus in the repository). */
  check_status: string;
  /** The number had no history when registered: the periodic re-match looks at these. */
  no_history: boolean;
  /** Held back from the eligibility side until the insurer resolves it (policy from 2024-05). */
  blocked: boolean;
  /** Confirmation reason given by the insurer ("no suspicion"), or null. */
  resolution_reason: string | null;
  /** sha256 of the bulk file and its line, or null for a single registration. */
  source_hash: string | null;
  source_line: number | null;
  updated_at: Timestamp;
  // The registration's J-LIS query (a durable queue: claimed with a lease, retried until done).
  /** Why it was queued (the rule), or null when it never was. */
  jlis_reason: string | null;
  /** 'pending' | 'done' | 'cancelled', or null when never queued. */
  jlis_status: string | null;
  jlis_attempts: Generated<number>;
  jlis_next_attempt_at: NullableTimestamp;
  jlis_last_error: string | null;
  jlis_result: string | null;
  jlis_created_at: NullableTimestamp;
  jlis_completed_at: NullableTimestamp;
}

/** A suspicion or a J-LIS result, told to the insurer. */
export interface NotificationsTable {
  id: Generated<number>;
  insurer_number: string;
  qualification_id: string;
  kind: string;
  message: string;
  /** Makes a re-run (same file and line, same check) add nothing. */
  dedupe_key: string;
  created_at: Timestamp;
  read_at: NullableTimestamp;
  acknowledged_at: NullableTimestamp;
  webhook_delivered_at: NullableTimestamp;
  webhook_attempts: Generated<number>;
  /** Not before this instant (the backoff after a failed attempt). */
  webhook_next_at: NullableTimestamp;
  /** Given up after the last attempt. */
  webhook_abandoned_at: NullableTimestamp;
  /** The insurers whose earlier registration this suspicion conflicts with have been told. */
  counterparts_notified_at: NullableTimestamp;
}

/** Every webhook attempt with its outcome, for the insurer to read. */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  notification_id: number;
  insurer_number: string;
  attempt: number;
  url: string;
  outcome: 'delivered' | 'failed' | 'abandoned';
  status_code: number | null;
  error: string | null;
  attempted_at: Timestamp;
  next_attempt_at: NullableTimestamp;
}

/** Durable hand-off to the eligibility side. Never holds a My Number. */
export interface OutboxTable {
  batch_id: number;
  /** 0..size-1 within the batch: the event's sequence is the batch's first_sequence + position. */
  position: number;
  event_id: string;
  occurred_at: Timestamp;
  /** The registration that changed; the event's snapshot is built from it when read. */
  qualification_id: string;
}

/** A batch of outbox events and the range of sequence numbers it was given when it committed. */
export interface OutboxBatchesTable {
  batch_id: number;
  first_sequence: number;
  size: number;
}

/** A bulk file, by content hash: re-uploading it returns the stored report. */
export interface UploadsTable {
  content_hash: string;
  insurer_number: string;
  format: string;
  status: string;
  received_at: Timestamp;
  completed_at: NullableTimestamp;
  total_lines: number;
  accepted: number;
  rejected: number;
  report: JSONColumnType<Record<string, unknown>>;
}

export interface IntermediateTables {
  'intermediate.insurers': InsurersTable;
  'intermediate.registrations': RegistrationsTable;
  'intermediate.notifications': NotificationsTable;
  'intermediate.webhook_deliveries': WebhookDeliveriesTable;
  'intermediate.outbox': OutboxTable;
  'intermediate.outbox_batches': OutboxBatchesTable;
  'intermediate.uploads': UploadsTable;
}
