import { type Kysely, type Migration, sql } from 'kysely';

/** Migrations of the `eligibility` schema, applied in key order. Never edit one that has shipped. */
export const eligibilityMigrations: Record<string, Migration> = {
  '0001_eligibility': {
    async up(db: Kysely<unknown>) {
      // One statement per call: PGlite runs prepared statements, which hold only one command.
      for (const statement of SCHEMA_0001.split(';\n')
        .map((s) => s.trim())
        .filter(Boolean))
        await sql.raw(statement).execute(db);
    },
  },
  '0002_card_dates': {
    // The insurance card's dates from the outbox snapshot (cardIssuedOn, cardValidFrom,
    // cardValidTo); null on qualifications received before events carried them.
    async up(db: Kysely<unknown>) {
      await sql`alter table eligibility.qualifications
        add column card_issued_on date,
        add column card_valid_from date,
        add column card_valid_to date`.execute(db);
    },
  },
  '0003_withheld_qualifications': {
    // Qualifications withheld from viewing (閲覧停止) by a qualification.withheld event: their row
    // in eligibility.qualifications is deleted, and this one remembers the event's sequence so an
    // older upsert replayed later cannot serve them again.
    async up(db: Kysely<unknown>) {
      await sql`create table eligibility.withheld_qualifications (
        qualification_id text primary key,
        person_ref text not null,
        source_sequence bigint not null,
        withheld_at timestamptz not null
      )`.execute(db);
    },
  },
  '0004_bulk_inquiry_claims': {
    // An inquiry is answered by one instance at a time: claimed with a lease, taken over by another
    // instance when the lease runs out (its claimer was killed). See claims.ts.
    async up(db: Kysely<unknown>) {
      await sql`alter table eligibility.bulk_inquiries
        add column claimed_until timestamptz,
        add column claimed_by text`.execute(db);
    },
  },
  '0005_rate_windows': {
    // The per-institution rate limit across instances (rate-windows.ts): the current one-second
    // window and what instances reserved in it, one row per institution.
    async up(db: Kysely<unknown>) {
      await sql`create table eligibility.rate_windows (
        institution_code text primary key,
        window_second bigint not null,
        used integer not null)`.execute(db);
    },
  },
  '0006_consents_by_person': {
    // The citizen's own view lists a person's consents, newest first (listConsentsByPerson):
    // without this it read the whole table.
    async up(db: Kysely<unknown>) {
      await sql`create index consents_by_person
        on eligibility.consents (person_ref, cons_time desc)`.execute(db);
    },
  },
  '0007_citizen_sign_in': {
    // The citizen's card sign-in shared by every instance (citizen-sign-in.ts): a challenge issued
    // by one instance is answered at any, once (taken by DELETE … RETURNING); a session lives here
    // until it expires or its citizen signs out, so a sign-out holds on every instance.
    async up(db: Kysely<unknown>) {
      await sql`create table eligibility.citizen_challenges (
        challenge text primary key,
        certificate_serial text not null,
        expires_at timestamptz not null)`.execute(db);
      await sql`create index citizen_challenges_expiry
        on eligibility.citizen_challenges (expires_at)`.execute(db);
      await sql`create table eligibility.citizen_sessions (
        session_id text primary key,
        certificate_serial text not null,
        created_at timestamptz not null,
        expires_at timestamptz not null)`.execute(db);
      await sql`create index citizen_sessions_expiry
        on eligibility.citizen_sessions (expires_at)`.execute(db);
    },
  },
  '0008_practitioners': {
    // Practitioners identified by an HPKI-like certificate their institution's admin registers
    // (practitioners.ts, docs/practitioners.md). A certificate serial may be registered at several
    // institutions (a doctor working at two), once at each. The nonces of accepted proofs are kept
    // until the proof's timestamp leaves the clock-skew window, so a replay fails on every instance.
    // The access log names who viewed drug or checkup information (null for other entries).
    async up(db: Kysely<unknown>) {
      await sql`create table eligibility.practitioners (
        practitioner_id text primary key,
        institution_code text not null references eligibility.institutions,
        name text not null,
        role text not null,
        certificate_serial text not null,
        public_key text not null,
        valid_from timestamptz not null,
        valid_to timestamptz not null,
        registered_at timestamptz not null,
        revoked_at timestamptz,
        unique (certificate_serial, institution_code))`.execute(db);
      await sql`create index practitioners_institution
        on eligibility.practitioners (institution_code, registered_at)`.execute(db);
      await sql`create table eligibility.practitioner_nonces (
        certificate_serial text not null,
        nonce text not null,
        expires_at timestamptz not null,
        primary key (certificate_serial, nonce))`.execute(db);
      await sql`create index practitioner_nonces_expiry
        on eligibility.practitioner_nonces (expires_at)`.execute(db);
      await sql`alter table eligibility.access_log
        add column practitioner_id text,
        add column practitioner_role text`.execute(db);
    },
  },
};

const SCHEMA_0001 = `
        create table eligibility.institutions (
          institution_code text primary key,
          facility_type text not null,
          name text not null,
          rate_limit_per_second integer not null,
          created_at timestamptz not null default now()
        );
        create table eligibility.credentials (
          client_id text primary key,
          institution_code text not null references eligibility.institutions,
          secret_hash text not null,
          created_at timestamptz not null default now(),
          revoked_at timestamptz
        );
        create table eligibility.qualifications (
          qualification_id text primary key,
          person_ref text not null,
          insurer_number text not null,
          insurer_name text not null,
          insured_card_classification text not null,
          insured_card_symbol text not null,
          insured_identification_number text not null,
          insured_branch_number text not null,
          personal_family_classification text not null,
          name text not null,
          name_kana text not null,
          sex text not null,
          birth_date date not null,
          address text not null,
          post_number text not null,
          qualification_date date not null,
          disqualification_date date,
          reason_of_loss text,
          income_class text not null,
          source_sequence bigint not null,
          updated_at timestamptz not null
        );
        -- The confirmation hot path: card numbers + birth date, one index probe.
        create index qualifications_card on eligibility.qualifications
          (insurer_number, insured_identification_number, birth_date);
        create index qualifications_person on eligibility.qualifications (person_ref);
        create table eligibility.card_links (
          certificate_serial text primary key,
          person_ref text not null,
          institution_code text not null,
          registered_at timestamptz not null
        );
        create table eligibility.consents (
          consent_id text primary key,
          person_ref text not null,
          institution_code text not null,
          cons_time timestamptz not null,
          available_time timestamptz not null,
          specific_health_checkups boolean not null,
          pharmacists boolean not null,
          diagnosis boolean not null,
          operations boolean not null,
          limit_application_certificate boolean not null
        );
        create table eligibility.access_log (
          id bigserial primary key,
          at timestamptz not null,
          institution_code text not null,
          person_ref text,
          kind text not null,
          items jsonb not null,
          consent_state text not null,
          qualification_validity text
        );
        create index access_log_person on eligibility.access_log (person_ref, at) where person_ref is not null;
        create table eligibility.bulk_inquiries (
          reception_number text primary key,
          institution_code text not null,
          status text not null,
          confirmation_date date not null,
          submitted_at timestamptz not null,
          completed_at timestamptz,
          items jsonb not null,
          result jsonb
        );
        create table eligibility.outbox_cursor (
          consumer text primary key,
          last_sequence bigint not null,
          updated_at timestamptz not null
        );
`;
