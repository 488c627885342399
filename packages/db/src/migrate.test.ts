import { randomBytes } from 'node:crypto';
import { type Kysely, type Migration, sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { dropDatabase, recreateDatabase } from './admin.js';
import { openDatabase } from './database.js';
import { migrateToLatest, migrationFingerprint } from './migrate.js';
import { portalMigrations } from './portal/migrations.js';

describe('migrateToLatest', () => {
  it('migrates what is missing even when some schemas are up to date, then finds nothing to do', async () => {
    const handle = await openDatabase({});
    try {
      await migrateToLatest(handle, ['jlis']);
      const tables = () =>
        sql<{ schema: string }>`select distinct table_schema as schema
          from information_schema.tables
          where table_schema in ('jlis', 'intermediate', 'eligibility', 'portal')
          order by 1`.execute(handle.db);
      expect((await tables()).rows.map((r) => r.schema)).toEqual(['jlis']);
      // jlis is up to date, the others have nothing: the up-to-date check must not skip them.
      await migrateToLatest(handle);
      expect((await tables()).rows.map((r) => r.schema)).toEqual([
        'eligibility',
        'intermediate',
        'jlis',
        'portal',
      ]);
      // A migration recorded that this build does not know is not "up to date" either: the
      // Migrator sees it (and refuses, as it always did).
      await sql`insert into portal.kysely_migration (name, timestamp)
                values ('9999_from_a_newer_build', now()::text)`.execute(handle.db);
      await expect(migrateToLatest(handle)).rejects.toThrow();
      // Nor is a schema whose table misses one of this build's migrations: the Migrator runs it
      // (here it was applied but its record deleted, so running it again fails loudly).
      const last = Object.keys(portalMigrations).at(-1)!;
      await sql`delete from portal.kysely_migration
                where name in ('9999_from_a_newer_build', ${last})`.execute(handle.db);
      await expect(migrateToLatest(handle)).rejects.toThrow(`migration portal/${last} failed`);
    } finally {
      await handle.close();
    }
  });
});

describe('migrateToLatest on PostgreSQL with a pool of one connection', () => {
  const postgresUrl = inject('postgresUrl');
  // Before, the migration lock's connection came from the pool and sat idle while the migrations
  // waited for a connection: with one, forever (this test timed out).
  it.skipIf(!postgresUrl)(
    'holds its lock on a connection of its own, so the pool is not waiting for itself',
    async () => {
      const name = `shikaku_test_migrate_${process.pid}_${randomBytes(4).toString('hex')}`;
      const handle = await openDatabase({
        url: await recreateDatabase(postgresUrl!, name),
        poolSize: 1,
      });
      try {
        await migrateToLatest(handle);
        const { rows } = await sql<{ n: number }>`select count(*)::int as n
          from information_schema.tables where table_name = 'kysely_migration'`.execute(handle.db);
        expect(rows[0]?.n).toBe(4);
        const advisory = await sql<{ n: number }>`select count(*)::int as n from pg_locks
          where locktype = 'advisory'
            and database = (select oid from pg_database where datname = current_database())`.execute(
          handle.db,
        );
        expect(advisory.rows[0]?.n).toBe(0);
      } finally {
        await handle.close();
        await dropDatabase(postgresUrl!, name);
      }
    },
    180_000,
  );
});

describe('migrationFingerprint', () => {
  /** A migration made by a helper from its statements, as portal/migrations.ts makes them. */
  const statements = (list: readonly string[]): Migration => ({
    async up(db: Kysely<unknown>) {
      for (const statement of list) await sql.raw(statement).execute(db);
    },
  });

  it('changes with the SQL a migration runs, even when its code is the same', async () => {
    const one = { demo: { '0001': statements(['create table demo.a (id int)']) } };
    const same = { demo: { '0001': statements(['create table demo.a (id int)']) } };
    const edited = { demo: { '0001': statements(['create table demo.a (id bigint)']) } };
    const renamed = { demo: { '0001_a': statements(['create table demo.a (id int)']) } };
    expect(await migrationFingerprint(one)).toBe(await migrationFingerprint(same));
    expect(await migrationFingerprint(edited)).not.toBe(await migrationFingerprint(one));
    expect(await migrationFingerprint(renamed)).not.toBe(await migrationFingerprint(one));
    expect(await migrationFingerprint()).toBe(await migrationFingerprint());
  });
});
