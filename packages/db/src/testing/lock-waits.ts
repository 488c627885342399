import { sql } from 'kysely';
import type { DatabaseHandle } from '../database.js';

/**
 * Until `n` sessions of the handle's database wait on a lock (a test's gate has stopped them all).
 * Asked on a pooled connection of its own: inside a transaction pg_stat_activity is read once and
 * kept, so the gate's holder would never see the others arrive.
 */
export async function waitForLockWaits(handle: DatabaseHandle, n: number): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(handle.db);
    if ((rows[0]?.n ?? 0) >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`fewer than ${n} sessions ever waited on a lock`);
}
