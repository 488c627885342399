// Tables of the `eligibility` schema, keyed 'eligibility.<table>'. Only the owning app's
// repositories use them. No table here holds a My Number: people are known by `person_ref`.
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;

/** A medical institution or pharmacy approved to use OQS (from the portal's usage approval). */
export interface InstitutionsTable {
  institution_code: string;
  /** hospital | clinic | dental | pharmacy */
  facility_type: string;
  name: string;
  /** Requests per second allowed to this institution. */
  rate_limit_per_second: number;
  created_at: Timestamp;
}

/** Client credentials of an institution; only the secret's hash is kept. */
export interface CredentialsTable {
  client_id: string;
  institution_code: string;
  /** sha256 hex of the secret. */
  secret_hash: string;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
}

/** One qualification as received from the intermediate server's outbox. */
export interface QualificationsTable {
  qualification_id: string;
  person_ref: string;
  insurer_number: string;
  insurer_name: string;
  insured_card_classification: string;
  /** 記号; '' when the card has none (後期高齢者). */
  insured_card_symbol: string;
  insured_identification_number: string;
  insured_branch_number: string;
  personal_family_classification: string;
  name: string;
  /** Full-width katakana. */
  name_kana: string;
  sex: string;
  birth_date: string;
  address: string;
  post_number: string;
  qualification_date: string;
  disqualification_date: string | null;
  reason_of_loss: string | null;
  income_class: string;
  /** 被保険者証交付年月日, or null. */
  card_issued_on: string | null;
  /** 被保険者証有効開始年月日; null on rows from events that did not carry it. */
  card_valid_from: string | null;
  /** 被保険者証有効終了年月日, or null when the card has no end date. */
  card_valid_to: string | null;
  /** Outbox sequence of the event that wrote this row: an older event never overwrites it. */
  source_sequence: number;
  updated_at: Timestamp;
}

/** 保険証利用登録: a card's certificate serial linked to a person. */
export interface CardLinksTable {
  certificate_serial: string;
  person_ref: string;
  institution_code: string;
  registered_at: Timestamp;
}

/** Consents given at the reader; each lasts 24 hours from cons_time. */
export interface ConsentsTable {
  consent_id: string;
  person_ref: string;
  institution_code: string;
  cons_time: Timestamp;
  available_time: Timestamp;
  specific_health_checkups: boolean;
  pharmacists: boolean;
  diagnosis: boolean;
  operations: boolean;
  limit_application_certificate: boolean;
}

/** Every confirmation and information view, written before the response is sent. */
export interface AccessLogTable {
  id: Generated<number>;
  at: Timestamp;
  institution_code: string;
  /** Null when nobody matched. */
  person_ref: string | null;
  /** confirmation | card-confirmation | bulk | drug-information | checkup-information */
  kind: string;
  /** What was shown, e.g. ["qualification"], ["drug-information"]. */
  items: JSONColumnType<string[], string, string>;
  /** none | valid | expired | not-given */
  consent_state: string;
  qualification_validity: string | null;
  /** Who viewed drug or checkup information (migration 0008); null for other entries. */
  practitioner_id: string | null;
  /** doctor | dentist | pharmacist, beside practitioner_id. */
  practitioner_role: string | null;
}

/** 一括照会: one submission, its items and (when done) its result message. */
export interface BulkInquiriesTable {
  reception_number: string;
  institution_code: string;
  /** accepted | done */
  status: string;
  confirmation_date: string;
  submitted_at: Timestamp;
  completed_at: NullableTimestamp;
  items: JSONColumnType<unknown[], string, string>;
  result: ColumnType<unknown, string | null, string | null>;
  /** The end of an instance's claim (a lease); null or past: free. */
  claimed_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A qualification withheld from viewing, by the outbox event that withheld it. */
export interface WithheldQualificationsTable {
  qualification_id: string;
  person_ref: string;
  source_sequence: number;
  withheld_at: Timestamp;
}

/** Where the outbox relay stopped. */
export interface OutboxCursorTable {
  consumer: string;
  last_sequence: number;
  updated_at: Timestamp;
}

export interface EligibilityTables {
  'eligibility.institutions': InstitutionsTable;
  'eligibility.credentials': CredentialsTable;
  'eligibility.qualifications': QualificationsTable;
  'eligibility.card_links': CardLinksTable;
  'eligibility.consents': ConsentsTable;
  'eligibility.access_log': AccessLogTable;
  'eligibility.bulk_inquiries': BulkInquiriesTable;
  'eligibility.outbox_cursor': OutboxCursorTable;
  'eligibility.withheld_qualifications': WithheldQualificationsTable;
}
