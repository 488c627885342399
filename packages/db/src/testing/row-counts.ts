import { sql } from 'kysely';
import type { DatabaseHandle } from '../database.js';

// The tables of a migrated database do not change during a test: listed once per handle.
const tableNames = new WeakMap<DatabaseHandle, Map<string, string[]>>();

/**
 * Rows in every table of the given schemas (`schema.table` → count), but the migration tables:
 * a fuzz test compares two of these to prove that a rejected request stored nothing.
 */
export async function rowCounts(
  handle: DatabaseHandle,
  schemas: readonly string[],
  except: readonly string[] = [],
): Promise<Record<string, number>> {
  const key = JSON.stringify([schemas, except]);
  let names = tableNames.get(handle)?.get(key);
  if (!names) {
    const tables = await sql<{ table_schema: string; table_name: string }>`
      select table_schema, table_name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema in (${sql.join(schemas)})
        and table_name not like 'kysely_%'
      order by table_schema, table_name`.execute(handle.db);
    names = tables.rows
      .map((t) => `${t.table_schema}.${t.table_name}`)
      .filter((name) => !except.includes(name));
    if (!tableNames.has(handle)) tableNames.set(handle, new Map());
    tableNames.get(handle)!.set(key, names);
  }
  if (names.length === 0) return {};
  const counts = await sql<Record<string, string>>`select ${sql.join(
    names.map((name) => {
      const [schema, table] = name.split('.') as [string, string];
      return sql`(select count(*) from ${sql.id(schema, table)})::text as ${sql.id(name)}`;
    }),
  )}`.execute(handle.db);
  const row = counts.rows[0] ?? {};
  return Object.fromEntries(names.map((name) => [name, Number(row[name])]));
}
