// Tables of the `portal` schema, keyed 'portal.<table>'. Only the owning app's repositories use them.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date, Date>;
type NullableTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;

export type FacilityTypeCode = 'hospital' | 'clinic' | 'dental-clinic' | 'pharmacy';
export type AccountRole = 'institution' | 'operator' | 'callcentre';

export interface PortalInstitutionsTable {
  institution_code: string;
  name: string;
  facility_type: FacilityTypeCode;
  large_chain: ColumnType<boolean, boolean | undefined, boolean>;
  prefecture: string;
  created_at: Timestamp;
  /** Milestones of the campaign funnel (applied → preparing → operating). */
  reader_applied_at: NullableTimestamp;
  usage_applied_at: NullableTimestamp;
  operating_at: NullableTimestamp;
}

export interface PortalAccountsTable {
  id: Generated<number>;
  email: string;
  password_hash: string;
  role: AccountRole;
  institution_code: string | null;
  email_verified_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface PortalSessionsTable {
  /** sha256 of the cookie's token: a leaked table does not give sessions away. */
  token_hash: string;
  account_id: number;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface PortalEmailTokensTable {
  token_hash: string;
  account_id: number;
  purpose: 'verify' | 'reset';
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface PortalMailOutboxTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  body: string;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
  /** The end of a dispatcher's claim (a lease); null or past: free. */
  claimed_until: Generated<Date | null>;
  claimed_by: Generated<string | null>;
}

export interface PortalNoticesTable {
  id: Generated<number>;
  title: string;
  body: string;
  published_at: Timestamp;
}

export interface PortalReaderApplicationsTable {
  id: Generated<number>;
  institution_code: string;
  /** null: 機種未定 (model undecided). */
  model: string | null;
  quantity: number;
  status: 'active' | 'cancelled';
  consultation: ColumnType<boolean, boolean | undefined, boolean>;
  consultation_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  cancelled_at: NullableTimestamp;
  reminder_sent_at: NullableTimestamp;
  /** The consultation desk's state: null (no consultation), open, or its decision. */
  consultation_status: ColumnType<
    ConsultationStatus | null,
    ConsultationStatus | null | undefined,
    ConsultationStatus | null
  >;
  /** This application's own model-selection deadline (YYYY-MM-DD, JST) when the desk extended it. */
  model_deadline: ColumnType<string | null, string | null | undefined, string | null>;
  consultation_decided_at: NullableTimestamp;
  consultation_decision_note: ColumnType<string | null, string | null | undefined, string | null>;
}

export type ConsultationStatus = 'open' | 'extended' | 'declined';

export interface PortalConsultationMessagesTable {
  id: Generated<number>;
  application_id: number;
  at: Timestamp;
  author: 'institution' | 'callcentre' | 'operator';
  account_id: ColumnType<number | null, number | null | undefined, number | null>;
  body: string;
}

export interface PortalReaderApplicationEventsTable {
  id: Generated<number>;
  application_id: number;
  at: Timestamp;
  kind: string;
  actor: string;
  detail: ColumnType<string, string | undefined, string>;
  /** The call centre's internal memo: staff pages only, never the facility's. */
  staff_note: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface PortalUsageApplicationsTable {
  id: Generated<number>;
  institution_code: string;
  status: 'submitted' | 'approved' | 'rejected';
  submitted_at: Timestamp;
  decided_at: NullableTimestamp;
  decided_by: number | null;
  /** Why it was rejected (required for a rejection; shown to the facility). */
  decision_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface PortalCredentialsTable {
  client_id: string;
  institution_code: string;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface PortalSubsidyApplicationsTable {
  id: Generated<number>;
  institution_code: string;
  project_cost: number;
  readers: number;
  subsidy_amount: number;
  /** 'rejected' (不支給) and 'withdrawn' (取り下げ) are final and free the facility's one slot. */
  status: 'draft' | 'submitted' | 'approved' | 'returned' | 'rejected' | 'withdrawn';
  created_at: Timestamp;
  submitted_at: NullableTimestamp;
  decided_at: NullableTimestamp;
  /** The operator's comment; the reason when returned or rejected. */
  decision_note: string | null;
  decided_by: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface PortalSubsidyReceiptsTable {
  id: Generated<number>;
  application_id: number;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  storage_key: string;
  uploaded_at: Timestamp;
}

/** A credential change in progress (claimed before eligibility-api is called). */
export interface PortalCredentialChangesTable {
  institution_code: string;
  started_at: Date;
}

/** A new secret waiting to be shown once (sealed under a token only the browser holds). */
export interface PortalCredentialRevealsTable {
  account_id: number;
  token_hash: string;
  client_id: string;
  sealed_secret: string;
  created_at: Date;
  expires_at: Date;
}

export interface PortalTables {
  'portal.institutions': PortalInstitutionsTable;
  'portal.accounts': PortalAccountsTable;
  'portal.sessions': PortalSessionsTable;
  'portal.email_tokens': PortalEmailTokensTable;
  'portal.mail_outbox': PortalMailOutboxTable;
  'portal.notices': PortalNoticesTable;
  'portal.reader_applications': PortalReaderApplicationsTable;
  'portal.reader_application_events': PortalReaderApplicationEventsTable;
  'portal.usage_applications': PortalUsageApplicationsTable;
  'portal.credentials': PortalCredentialsTable;
  'portal.credential_changes': PortalCredentialChangesTable;
  'portal.credential_reveals': PortalCredentialRevealsTable;
  'portal.subsidy_applications': PortalSubsidyApplicationsTable;
  'portal.subsidy_receipts': PortalSubsidyReceiptsTable;
  'portal.consultation_messages': PortalConsultationMessagesTable;
}
