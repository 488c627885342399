import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDatabaseFromTemplate, dropDatabase } from '../admin.js';
import type { DatabaseHandle, DatabaseKind } from '../database.js';
import { SCHEMAS } from '../schema.js';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from './test-database.js';

const open: TestDatabase[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const test of open) await test.cleanup();
  for (const cleanup of cleanups) await cleanup();
});

async function testDatabase(
  kind: DatabaseKind,
  templates?: Parameters<typeof createTestDatabase>[2],
): Promise<TestDatabase> {
  const test = await createTestDatabase(kind, undefined, templates);
  open.push(test);
  return test;
}

/** Tables, columns, indexes, constraints and applied migrations of our schemas. */
async function schemaState(handle: DatabaseHandle) {
  const schemas = sql.join([...SCHEMAS]);
  const columns = await sql`
    select table_schema, table_name, column_name, data_type, is_nullable, column_default
    from information_schema.columns where table_schema in (${schemas})
    order by 1, 2, 3`.execute(handle.db);
  const indexes = await sql`
    select schemaname, tablename, indexname, indexdef from pg_indexes
    where schemaname in (${schemas}) order by 1, 2, 3`.execute(handle.db);
  const constraints = await sql`
    select n.nspname, c.conname, pg_get_constraintdef(c.oid) as def
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where n.nspname in (${schemas}) order by 1, 2`.execute(handle.db);
  const migrations = await Promise.all(
    SCHEMAS.map(
      async (schema) =>
        (
          await sql<{ name: string }>`select name from ${sql.id(schema, 'kysely_migration')}
            order by name`.execute(handle.db)
        ).rows,
    ),
  );
  return {
    columns: columns.rows,
    indexes: indexes.rows,
    constraints: constraints.rows,
    migrations,
  };
}

async function residents(handle: DatabaseHandle): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from jlis.residents`.execute(handle.db);
  return rows[0]!.n;
}

describe.each(testDatabaseKinds())('createTestDatabase [%s]', (kind) => {
  it('starts from the run’s template, with the same schema as a database migrated on its own', async () => {
    const fromTemplate = await testDatabase(kind);
    const migrated = await testDatabase(kind, {});
    expect([fromTemplate.source, migrated.source]).toEqual(['template', 'migrated']);

    const expected = await schemaState(migrated.handle);
    expect(expected.columns.length).toBeGreaterThan(0);
    expect(expected.indexes.length).toBeGreaterThan(0);
    expect(expected.migrations.every((names) => names.length > 0)).toBe(true);
    expect(await schemaState(fromTemplate.handle)).toEqual(expected);
  });

  it('gives each caller a database of its own: a row written in one is not in the other', async () => {
    const a = await testDatabase(kind);
    const b = await testDatabase(kind);
    expect([a.source, b.source]).toEqual(['template', 'template']);
    await sql`insert into jlis.residents (my_number, name, name_kana, birth_date, sex, address)
              values ('123456789018', '試験', 'シケン', '2000-01-01', '1', '東京都')`.execute(
      a.handle.db,
    );
    expect([await residents(a.handle), await residents(b.handle)]).toEqual([1, 0]);
  });

  it('does not start from a template of other migrations, and migrates instead', async () => {
    const current = inject('testTemplates');
    const stale = { ...current };
    // A usable template, named for another migration fingerprint.
    if (kind === 'pglite') {
      const dir = await mkdtemp(join(tmpdir(), 'stale-template-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      stale.pgliteDump = join(dir, 'pglite-0.4.6-0000000000000000.tar');
      await symlink(current.pgliteDump, stale.pgliteDump);
    } else {
      const url = inject('postgresUrl');
      stale.postgres = `shikaku_tpl_000000000000_${process.pid}_stale`;
      await createDatabaseFromTemplate(url, stale.postgres, current.postgres);
      cleanups.push(() => dropDatabase(url, stale.postgres));
    }
    const test = await testDatabase(kind, stale);
    expect(test.source).toBe('migrated');
    expect((await schemaState(test.handle)).migrations.every((names) => names.length > 0)).toBe(
      true,
    );
  });
});
