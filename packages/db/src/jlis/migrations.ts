import { type Kysely, type Migration, sql } from 'kysely';

/** Migrations of the `jlis` schema, applied in key order. Never edit one that has shipped. */
export const jlisMigrations: Record<string, Migration> = {
  '0001_residents_certificates': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .withSchema('jlis')
        .createTable('residents')
        .addColumn('my_number', 'char(12)', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_kana', 'text', (c) => c.notNull())
        .addColumn('birth_date', 'date', (c) => c.notNull())
        .addColumn('sex', 'char(1)', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .withSchema('jlis')
        .createTable('certificates')
        .addColumn('serial', 'text', (c) => c.primaryKey())
        .addColumn('my_number', 'char(12)', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('valid', 'revoked', 'expired')`),
        )
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .withSchema('jlis')
        .createIndex('certificates_my_number')
        .on('certificates')
        .column('my_number')
        .execute();
    },
  },
};
