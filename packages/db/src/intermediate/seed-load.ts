// What the stack's seeding reads of a stored intermediate server.
import type { DatabaseHandle } from '../database.js';

/** The insurer numbers stored (a restarted stack gives each a fresh key), in number order. */
export async function storedInsurerNumbers(handle: DatabaseHandle): Promise<string[]> {
  const rows = await handle.db
    .selectFrom('intermediate.insurers')
    .select('insurer_number')
    .orderBy('insurer_number')
    .execute();
  return rows.map((r) => r.insurer_number);
}
