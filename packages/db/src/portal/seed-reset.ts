// A portal seed killed half-way (it is written in many transactions) is cleared before the seed
// runs again, so a restart neither stops at a half-seeded portal nor collides with its rows.
import { sql } from 'kysely';
import type { DatabaseHandle } from '../database.js';

/** Empties every table of the portal schema but its migration records. */
export async function clearPortalTables(handle: DatabaseHandle): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'portal' and table_type = 'BASE TABLE'
      and table_name not like 'kysely_migration%'
    order by table_name`.execute(handle.db);
  if (rows.length === 0) return;
  await sql`truncate ${sql.join(rows.map((r) => sql.table(`portal.${r.name}`)))} restart identity cascade`.execute(
    handle.db,
  );
}
