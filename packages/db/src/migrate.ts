import { createHash } from 'node:crypto';
import {
  DummyDriver,
  Kysely,
  type Migration,
  type MigrationResultSet,
  Migrator,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely';
import pg from 'pg';
import { jobLockKey } from './claims.js';
import type { DatabaseHandle } from './database.js';
import { eligibilityMigrations } from './eligibility/migrations.js';
import { intermediateMigrations } from './intermediate/migrations.js';
import { jlisMigrations } from './jlis/migrations.js';
import { portalMigrations } from './portal/migrations.js';
import { SCHEMAS, type SchemaName } from './schema.js';

const MIGRATIONS: Record<SchemaName, Record<string, Migration>> = {
  jlis: jlisMigrations,
  intermediate: intermediateMigrations,
  eligibility: eligibilityMigrations,
  portal: portalMigrations,
};

export class MigrationError extends Error {
  constructor(
    readonly schema: SchemaName,
    readonly migration: string | undefined,
    cause: unknown,
  ) {
    super(`migration ${schema}/${migration ?? '?'} failed`, { cause });
  }
}

/**
 * Brings each schema to its latest migration. Each schema keeps its own migration table inside
 * itself, so an app's process can migrate only what it owns.
 */
export async function migrateToLatest(
  handle: DatabaseHandle,
  schemas: readonly SchemaName[] = SCHEMAS,
): Promise<void> {
  // A migrated database (every restart, and every fresh stack from a template) is told by two
  // reads; the Migrator's checks cost ~1 s of CPU on PGlite (catalog introspection per schema).
  if (await allApplied(handle, schemas)) return;
  // N instances start at once: one migrates while the others wait, then find nothing to do
  // (`create schema if not exists` and the migration table's creation race otherwise).
  await withMigrationLock(handle, () => migrateSchemas(handle, schemas));
}

/**
 * Names every schema's migrations and the SQL they run: two builds with the same fingerprint
 * migrate a database to the same state, so a migrated template made by one serves the other (see
 * pglite-template.ts). The SQL is recorded by running each migration against a driver that
 * executes nothing: a migration's code alone (`up.toString()`) is the same for every migration
 * built by one helper from a list of statements.
 */
export async function migrationFingerprint(
  migrations: Readonly<Record<string, Readonly<Record<string, Migration>>>> = MIGRATIONS,
): Promise<string> {
  const hash = createHash('sha256');
  const recorder = new Kysely<unknown>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    log: (event) => {
      if (event.level === 'query')
        hash.update(`${event.query.sql}\0${JSON.stringify(event.query.parameters)}\0`);
    },
  });
  try {
    for (const [schema, list] of Object.entries(migrations)) {
      for (const [name, migration] of Object.entries(list)) {
        hash.update(`${schema}\0${name}\0`);
        await migration.up(recorder);
      }
    }
  } finally {
    await recorder.destroy();
  }
  return hash.digest('hex');
}

/** Whether each schema has recorded exactly its migrations, and nothing else. */
async function allApplied(
  handle: DatabaseHandle,
  schemas: readonly SchemaName[],
): Promise<boolean> {
  if (schemas.length === 0) return true;
  const { rows: tables } = await sql<{ n: number }>`
    select count(*)::int as n from pg_catalog.pg_class c
    join pg_catalog.pg_namespace s on s.oid = c.relnamespace
    where c.relname = 'kysely_migration' and s.nspname in (${sql.join(schemas)})`.execute(
    handle.db,
  );
  if (tables[0]!.n !== schemas.length) return false;
  const applied = sql.join(
    schemas.map(
      (schema) =>
        sql`select ${schema}::text as schema, name from ${sql.table(`${schema}.kysely_migration`)}`,
    ),
    sql` union all `,
  );
  const { rows } = await sql<{ schema: string; name: string }>`${applied}`.execute(handle.db);
  const expected = schemas.flatMap((schema) =>
    Object.keys(MIGRATIONS[schema]).map((name) => `${schema}/${name}`),
  );
  const found = new Set(rows.map((r) => `${r.schema}/${r.name}`));
  return found.size === expected.length && expected.every((key) => found.has(key));
}

/**
 * Runs `body` holding the migration lock. The lock is held on a connection of its own, outside the
 * pool: the migrations run on the pool's connections, and a pool of one would wait for itself
 * forever behind the lock's idle connection.
 */
async function withMigrationLock(handle: DatabaseHandle, body: () => Promise<void>): Promise<void> {
  if (!handle.pool) return body();
  const client = new pg.Client(handle.pool.options);
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1::bigint)', [jobLockKey('migrate')]);
    try {
      await body();
    } finally {
      await client.query('select pg_advisory_unlock($1::bigint)', [jobLockKey('migrate')]);
    }
  } finally {
    await client.end();
  }
}

async function migrateSchemas(
  handle: DatabaseHandle,
  schemas: readonly SchemaName[],
): Promise<void> {
  for (const schema of schemas) {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(handle.db);
    const migrator = new Migrator({
      db: handle.db,
      provider: { getMigrations: async () => MIGRATIONS[schema] },
      migrationTableSchema: schema,
    });
    const result: MigrationResultSet = await migrator.migrateToLatest();
    if (result.error) {
      const failed = result.results?.find((r) => r.status === 'Error');
      throw new MigrationError(schema, failed?.migrationName, result.error);
    }
  }
}
