import { type Kysely, type Migration, sql } from 'kysely';

/** Migrations of the `intermediate` schema, applied in key order. Never edit one that has shipped. */
export const intermediateMigrations: Record<string, Migration> = {
  '0001_registrations': {
    async up(db: Kysely<unknown>) {
      const schema = db.schema.withSchema('intermediate');
      await schema
        .createTable('insurers')
        .addColumn('insurer_number', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('webhook_url', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await schema
        .createTable('registrations')
        .addColumn('qualification_id', 'text', (c) => c.primaryKey())
        .addColumn('insurer_number', 'text', (c) => c.notNull())
        .addColumn('card_symbol', 'text', (c) => c.notNull())
        .addColumn('card_number', 'text', (c) => c.notNull())
        .addColumn('branch_number', 'text', (c) => c.notNull())
        .addColumn('card_classification', 'text', (c) => c.notNull())
        .addColumn('personal_family', 'text', (c) => c.notNull())
        .addColumn('my_number', 'char(12)', (c) => c.notNull())
        .addColumn('person_ref', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_kana', 'text', (c) => c.notNull())
        .addColumn('birth_date', 'date', (c) => c.notNull())
        .addColumn('sex', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('post_number', 'text', (c) => c.notNull())
        .addColumn('qualification_date', 'date', (c) => c.notNull())
        .addColumn('disqualification_date', 'date')
        .addColumn('reason_of_loss', 'text')
        .addColumn('income_class', 'text', (c) => c.notNull())
        .addColumn('registered_on', 'date', (c) => c.notNull())
        .addColumn('check_status', 'text', (c) => c.notNull())
        .addColumn('no_history', 'boolean', (c) => c.notNull())
        .addColumn('blocked', 'boolean', (c) => c.notNull())
        .addColumn('resolution_reason', 'text')
        .addColumn('source_hash', 'text')
        .addColumn('source_line', 'integer')
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addUniqueConstraint('registrations_card', [
          'insurer_number',
          'card_symbol',
          'card_number',
          'branch_number',
        ])
        .execute();
      await schema
        .createIndex('registrations_my_number')
        .on('registrations')
        .column('my_number')
        .execute();
      await sql`create index registrations_no_history on intermediate.registrations (my_number) where no_history`.execute(
        db,
      );
      await schema
        .createTable('notifications')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('insurer_number', 'text', (c) => c.notNull())
        .addColumn('qualification_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('read_at', 'timestamptz')
        .addColumn('acknowledged_at', 'timestamptz')
        .addColumn('webhook_delivered_at', 'timestamptz')
        .execute();
      await schema
        .createIndex('notifications_insurer')
        .on('notifications')
        .columns(['insurer_number', 'id'])
        .execute();
      await schema
        .createTable('outbox')
        .addColumn('sequence', 'bigserial', (c) => c.primaryKey())
        .addColumn('event_id', 'text', (c) => c.notNull().unique())
        .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
        .addColumn('person_ref', 'text', (c) => c.notNull())
        .addColumn('qualification_id', 'text', (c) => c.notNull())
        .addColumn('payload', 'jsonb', (c) => c.notNull())
        .execute();
      await schema
        .createTable('jlis_checks')
        .addColumn('qualification_id', 'text', (c) => c.primaryKey())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('result', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('completed_at', 'timestamptz')
        .execute();
      await sql`create index jlis_checks_due on intermediate.jlis_checks (next_attempt_at) where status = 'pending'`.execute(
        db,
      );
      await schema
        .createTable('uploads')
        .addColumn('insurer_number', 'text', (c) => c.notNull())
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('received_at', 'timestamptz', (c) => c.notNull())
        .addColumn('completed_at', 'timestamptz')
        .addColumn('total_lines', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('accepted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('report', 'jsonb', (c) => c.notNull())
        .addPrimaryKeyConstraint('uploads_pk', ['insurer_number', 'content_hash'])
        .execute();
    },
  },
  '0002_no_history_by_id': {
    // The periodic re-match reads the no-history registrations in qualification-id order. Keyed
    // by the (time-ordered) id, the partial index grows at one edge as bulk files add new numbers;
    // keyed by My Number it took a random page of a large index for nine rows in ten.
    async up(db: Kysely<unknown>) {
      await sql`drop index if exists intermediate.registrations_no_history`.execute(db);
      await sql`create index registrations_no_history on intermediate.registrations (qualification_id) where no_history`.execute(
        db,
      );
    },
  },
  '0003_outbox_batches': {
    // Writers append their events in parallel, each batch under its own id; only the last step of
    // a writer's transaction, giving its batch the next range of sequence numbers, is serialized
    // (it used to be the whole insert). An event's sequence is its batch's first sequence plus its
    // position, so readers page by sequence as before and still never skip an event.
    async up(db: Kysely<unknown>) {
      await sql`create sequence intermediate.outbox_batch_ids`.execute(db);
      await sql`create table intermediate.outbox_batches (
        batch_id bigint primary key,
        first_sequence bigint not null unique,
        size integer not null check (size > 0)
      )`.execute(db);
      await sql`alter table intermediate.outbox add column batch_id bigint, add column position integer`.execute(
        db,
      );
      // Events written before: a batch of one each, with the sequence they had.
      await sql`update intermediate.outbox set batch_id = sequence, position = 0`.execute(db);
      await sql`insert into intermediate.outbox_batches (batch_id, first_sequence, size)
        select sequence, sequence, 1 from intermediate.outbox`.execute(db);
      await sql`select setval('intermediate.outbox_batch_ids', coalesce(max(sequence), 0) + 1, false)
        from intermediate.outbox`.execute(db);
      await sql`alter table intermediate.outbox drop column sequence,
        alter column batch_id set not null, alter column position set not null,
        add primary key (batch_id, position)`.execute(db);
    },
  },
  '0004_outbox_snapshot_when_read': {
    // An event names the registration that changed; its snapshot (and personRef) are read from the
    // registration when the event is read. Event ids are random UUIDs, unique by construction: no
    // index to keep for them on every write.
    async up(db: Kysely<unknown>) {
      await sql`alter table intermediate.outbox drop column payload, drop column person_ref`.execute(
        db,
      );
      await sql`alter table intermediate.outbox drop constraint outbox_event_id_key`.execute(db);
    },
  },
  '0005_jlis_queue_in_registrations': {
    // A registration has at most one J-LIS check: the queue becomes columns of the registration
    // and one partial index of the pending ones, instead of a second table with two indexes that
    // a bulk file of new members wrote a row into for nine members in ten.
    async up(db: Kysely<unknown>) {
      await sql`alter table intermediate.registrations
        add column jlis_reason text,
        add column jlis_status text,
        add column jlis_attempts integer not null default 0,
        add column jlis_next_attempt_at timestamptz,
        add column jlis_last_error text,
        add column jlis_result text,
        add column jlis_created_at timestamptz,
        add column jlis_completed_at timestamptz`.execute(db);
      await sql`update intermediate.registrations r set
        jlis_reason = c.reason, jlis_status = c.status, jlis_attempts = c.attempts,
        jlis_next_attempt_at = c.next_attempt_at, jlis_last_error = c.last_error,
        jlis_result = c.result, jlis_created_at = c.created_at, jlis_completed_at = c.completed_at
        from intermediate.jlis_checks c where c.qualification_id = r.qualification_id`.execute(db);
      await sql`drop table intermediate.jlis_checks`.execute(db);
      await sql`create index registrations_jlis_due on intermediate.registrations
        (jlis_next_attempt_at) where jlis_status = 'pending'`.execute(db);
    },
  },
  '0006_no_history_without_index': {
    // Nine in ten registrations of a bulk file of new members have no history, so the partial
    // index of them was nearly a second primary key, written for each: ~130 bytes of WAL and
    // ~8% of the bulk throughput. The periodic re-match reads them with a scan, which at scale it
    // did through the index too (it probes each one for new history).
    async up(db: Kysely<unknown>) {
      await sql`drop index if exists intermediate.registrations_no_history`.execute(db);
    },
  },
  '0007_jlis_due_by_time_and_id': {
    // A bulk file queues all its checks at one time, so an index keyed by that time alone sends
    // every concurrent writer to the same last leaf page (ties are ordered by heap position);
    // with the qualification id after it, each batch's run of ids takes its own pages.
    async up(db: Kysely<unknown>) {
      await sql`drop index if exists intermediate.registrations_jlis_due`.execute(db);
      await sql`create index registrations_jlis_due on intermediate.registrations
        (jlis_next_attempt_at, qualification_id) where jlis_status = 'pending'`.execute(db);
    },
  },
  '0008_my_number_hash_index': {
    // A My Number is only ever looked up by equality, and the numbers of a bulk file fall on random
    // pages of the index. A hash index keeps four bytes of hash per row instead of the number:
    // inserting took 2.7 µs less per row and a batch's history lookup 2 µs less per number (10M
    // registered, docs/benchmarks.md). Rebuilding it locks the table for ~30 s per 10M rows.
    async up(db: Kysely<unknown>) {
      await sql`drop index if exists intermediate.registrations_my_number`.execute(db);
      await sql`create index registrations_my_number on intermediate.registrations
        using hash (my_number)`.execute(db);
    },
  },
  '0009_card_dates': {
    // The insurance card's dates (交付年月日, 有効開始日, 有効終了日) that OQS answers carry. Nullable:
    // rows registered before have none (their card is read as valid from the qualification date).
    async up(db: Kysely<unknown>) {
      await sql`alter table intermediate.registrations
        add column card_issued_on date,
        add column card_valid_from date,
        add column card_valid_to date`.execute(db);
    },
  },
  '0010_work_list_and_signed_webhooks': {
    // The insurer's work list and webhooks it registers itself: a secret that signs deliveries
    // (HMAC), retries with backoff, and every attempt kept with its outcome. A suspicion is told
    // to the insurers whose earlier registration it conflicts with (counterparts_notified_at marks
    // it done, so a run never tells them twice).
    async up(db: Kysely<unknown>) {
      await sql`alter table intermediate.insurers add column webhook_secret text`.execute(db);
      await sql`alter table intermediate.notifications
        add column webhook_attempts integer not null default 0,
        add column webhook_next_at timestamptz,
        add column webhook_abandoned_at timestamptz,
        add column counterparts_notified_at timestamptz`.execute(db);
      await sql`create index notifications_counterparts_due on intermediate.notifications (id)
        where counterparts_notified_at is null
          and kind in ('BIRTH_DATE_MISMATCH', 'KANA_NAME_MISMATCH')`.execute(db);
      await sql`create index notifications_webhook_due on intermediate.notifications (id)
        where webhook_delivered_at is null and webhook_abandoned_at is null`.execute(db);
      await sql`create table intermediate.webhook_deliveries (
        id bigserial primary key,
        notification_id bigint not null,
        insurer_number text not null,
        attempt integer not null,
        url text not null,
        outcome text not null,
        status_code integer,
        error text,
        attempted_at timestamptz not null,
        next_attempt_at timestamptz)`.execute(db);
      await sql`create index webhook_deliveries_insurer on intermediate.webhook_deliveries
        (insurer_number, id)`.execute(db);
    },
  },
};
