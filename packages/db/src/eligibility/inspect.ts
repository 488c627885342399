import { sql } from 'kysely';
import type { DatabaseHandle } from '../database.js';

/**
 * Every row of every table of the eligibility schema, as text: for the privacy tests that prove no
 * My Number is stored here, and for audits.
 */
export async function dumpEligibilitySchema(handle: DatabaseHandle): Promise<string> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'eligibility' and table_type = 'BASE TABLE' order by table_name`.execute(
    handle.db,
  );
  const parts: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await sql`select * from ${sql.table(`eligibility.${table_name}`)}`.execute(
      handle.db,
    );
    parts.push(`${table_name}: ${JSON.stringify(rows.rows)}`);
  }
  return parts.join('\n');
}
