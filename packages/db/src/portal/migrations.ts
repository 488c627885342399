import { type Kysely, type Migration, sql } from 'kysely';

const INITIAL = [
  `create table portal.institutions (
    institution_code char(10) primary key,
    name text not null,
    facility_type text not null
      check (facility_type in ('hospital', 'clinic', 'dental-clinic', 'pharmacy')),
    large_chain boolean not null default false,
    prefecture char(2) not null,
    created_at timestamptz not null,
    reader_applied_at timestamptz,
    usage_applied_at timestamptz,
    operating_at timestamptz
  )`,
  `create index institutions_type_prefecture on portal.institutions (facility_type, prefecture)`,
  `create table portal.accounts (
    id serial primary key,
    email text not null unique,
    password_hash text not null,
    role text not null check (role in ('institution', 'operator', 'callcentre')),
    institution_code char(10) references portal.institutions (institution_code),
    email_verified_at timestamptz,
    created_at timestamptz not null,
    check ((role = 'institution') = (institution_code is not null))
  )`,
  `create unique index accounts_one_per_institution on portal.accounts (institution_code)`,
  `create table portal.sessions (
    token_hash char(64) primary key,
    account_id integer not null references portal.accounts (id) on delete cascade,
    created_at timestamptz not null,
    expires_at timestamptz not null
  )`,
  `create table portal.email_tokens (
    token_hash char(64) primary key,
    account_id integer not null references portal.accounts (id) on delete cascade,
    purpose text not null check (purpose in ('verify', 'reset')),
    expires_at timestamptz not null,
    used_at timestamptz
  )`,
  `create table portal.mail_outbox (
    id serial primary key,
    to_address text not null,
    subject text not null,
    body text not null,
    created_at timestamptz not null,
    sent_at timestamptz
  )`,
  `create table portal.notices (
    id serial primary key,
    title text not null,
    body text not null,
    published_at timestamptz not null
  )`,
  `create table portal.reader_applications (
    id serial primary key,
    institution_code char(10) not null references portal.institutions (institution_code),
    model text,
    quantity integer not null check (quantity >= 1),
    status text not null check (status in ('active', 'cancelled')),
    consultation boolean not null default false,
    consultation_reason text,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    cancelled_at timestamptz,
    reminder_sent_at timestamptz
  )`,
  `create index reader_applications_institution on portal.reader_applications (institution_code)`,
  `create table portal.reader_application_events (
    id serial primary key,
    application_id integer not null references portal.reader_applications (id),
    at timestamptz not null,
    kind text not null,
    actor text not null,
    detail text not null default ''
  )`,
  `create index reader_application_events_application
    on portal.reader_application_events (application_id, id)`,
  `create table portal.usage_applications (
    id serial primary key,
    institution_code char(10) not null references portal.institutions (institution_code),
    status text not null check (status in ('submitted', 'approved', 'rejected')),
    submitted_at timestamptz not null,
    decided_at timestamptz,
    decided_by integer references portal.accounts (id)
  )`,
  `create table portal.credentials (
    client_id text primary key,
    institution_code char(10) not null references portal.institutions (institution_code),
    created_at timestamptz not null,
    revoked_at timestamptz
  )`,
  `create table portal.subsidy_applications (
    id serial primary key,
    institution_code char(10) not null references portal.institutions (institution_code),
    project_cost integer not null check (project_cost >= 0),
    readers integer not null check (readers >= 1),
    subsidy_amount integer not null,
    status text not null check (status in ('draft', 'submitted', 'approved', 'returned')),
    created_at timestamptz not null,
    submitted_at timestamptz,
    decided_at timestamptz,
    decision_note text
  )`,
  `create table portal.subsidy_receipts (
    id serial primary key,
    application_id integer not null references portal.subsidy_applications (id),
    filename text not null,
    content_type text not null,
    size integer not null,
    sha256 char(64) not null,
    storage_key text not null,
    uploaded_at timestamptz not null
  )`,
];

// One subsidy application per facility: the subsidy is granted once, on the readers the facility
// introduced (DESIGN.md's table is by readers introduced). 'rejected' (不支給, final) and 'withdrawn'
// (取り下げ) free the slot; every other state holds it. Duplicates filed before this migration are
// resolved first: per institution the approved one (else the oldest) stays, later live ones become
// 'withdrawn' with a note saying why, so the index can be created on a database that has them.
const SUBSIDY_ONE_PER_FACILITY = [
  `alter table portal.subsidy_applications drop constraint subsidy_applications_status_check`,
  `alter table portal.subsidy_applications add constraint subsidy_applications_status_check
    check (status in ('draft', 'submitted', 'approved', 'returned', 'rejected', 'withdrawn'))`,
  `update portal.subsidy_applications s
    set status = 'withdrawn', decision_note = '同一施設の重複申請のため取り下げ（移行 0002）'
    where s.status not in ('rejected', 'withdrawn')
      and exists (
        select 1 from portal.subsidy_applications k
        where k.institution_code = s.institution_code
          and k.status not in ('rejected', 'withdrawn')
          and (k.status = 'approved', -k.id) > (s.status = 'approved', -s.id)
      )`,
  `create unique index subsidy_applications_one_per_facility
    on portal.subsidy_applications (institution_code)
    where status not in ('rejected', 'withdrawn')`,
  `alter table portal.subsidy_applications add column decided_by integer
    references portal.accounts (id)`,
];

// A rejected usage application carries its reason (shown to the facility, mailed to it).
const USAGE_DECISION_REASON = [
  `alter table portal.usage_applications add column decision_reason text`,
];

// The consultation desk (相談窓口) for 機種未定 applications with a special reason: the thread of
// messages between the facility and the desk, and the desk's decision. An extension is a date of
// this application's own (model_deadline, 'YYYY-MM-DD' JST, as text so both drivers read the same
// string); the deadline job cancels against it, and holds an application whose consultation is open.
const CONSULTATION_DESK = [
  `alter table portal.reader_applications
    add column consultation_status text
      check (consultation_status in ('open', 'extended', 'declined')),
    add column model_deadline char(10) check (model_deadline ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    add column consultation_decided_at timestamptz,
    add column consultation_decision_note text`,
  `update portal.reader_applications set consultation_status = 'open' where consultation`,
  `create table portal.consultation_messages (
    id serial primary key,
    application_id integer not null references portal.reader_applications (id),
    at timestamptz not null,
    author text not null check (author in ('institution', 'callcentre', 'operator')),
    account_id integer references portal.accounts (id),
    body text not null
  )`,
  `create index consultation_messages_application on portal.consultation_messages (application_id, id)`,
  `insert into portal.consultation_messages (application_id, at, author, body)
    select id, updated_at, 'institution', coalesce(consultation_reason, '')
    from portal.reader_applications where consultation`,
];

// The call centre's internal memo on a history entry (電話受付番号, 担当者) is kept apart from the
// detail the facility reads, so the facility's page never shows it.
const STAFF_NOTE = [`alter table portal.reader_application_events add column staff_note text`];

// A credential change in progress: claimed in a short transaction, so the call to eligibility-api
// runs outside any transaction (on the embedded database every app shares one connection, and a
// transaction held across the call deadlocked the stack's credential page).
const CREDENTIAL_CHANGES = [
  `create table portal.credential_changes (
     institution_code text primary key references portal.institutions (institution_code),
     started_at timestamptz not null
   )`,
];

// Mail is claimed with a lease by the dispatcher of one instance at a time (see claims.ts).
const MAIL_CLAIMS = [
  `alter table portal.mail_outbox add column claimed_until timestamptz, add column claimed_by text`,
];

// A new credential's secret waiting for its one showing, so any portal instance can show it once:
// sealed (AES-256-GCM) under a key derived from a one-time token that only the browser holds
// (a cookie), looked up by the token's hash, deleted by the showing, and void after expires_at.
const CREDENTIAL_REVEALS = [
  `create table portal.credential_reveals (
     account_id integer primary key references portal.accounts (id),
     token_hash text not null unique,
     client_id text not null,
     sealed_secret text not null,
     created_at timestamptz not null,
     expires_at timestamptz not null
   )`,
];

/** A migration that runs its statements in order. */
const statements = (list: readonly string[]): Migration => ({
  async up(db: Kysely<unknown>) {
    for (const statement of list) await sql.raw(statement).execute(db);
  },
});

/** Migrations of the `portal` schema, applied in key order. Never edit one that has shipped. */
export const portalMigrations: Record<string, Migration> = {
  '0001_portal': statements(INITIAL),
  '0002_subsidy_one_per_facility': statements(SUBSIDY_ONE_PER_FACILITY),
  '0003_usage_decision_reason': statements(USAGE_DECISION_REASON),
  '0004_consultation_desk': statements(CONSULTATION_DESK),
  '0005_reader_event_staff_note': statements(STAFF_NOTE),
  '0006_credential_changes': statements(CREDENTIAL_CHANGES),
  '0007_mail_claims': statements(MAIL_CLAIMS),
  '0008_credential_reveals': statements(CREDENTIAL_REVEALS),
};
