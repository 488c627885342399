// The per-institution rate limit shared by every eligibility-api instance: one row per institution
// holds the current one-second window (wall-clock seconds) and how many requests instances have
// reserved in it. An instance reserves a chunk at a time and spends it locally, so the hot path
// writes here once per chunk, not once per request.
import { sql } from 'kysely';
import type { DatabaseHandle } from '../database.js';
import { withRawTransaction } from '../intermediate/raw.js';

/**
 * Reserves up to `wanted` requests of `institutionCode` in window `second`, never more than `rate`
 * in one window across all instances; answers how many were granted (0: the window is spent).
 */
export async function reserveRequests(
  handle: DatabaseHandle,
  institutionCode: string,
  second: number,
  wanted: number,
  rate: number,
): Promise<number> {
  return withRawTransaction(handle, async (executor) => {
    // One statement inserts the row or locks the one there: a sweep deleting it between an insert
    // and a separate select would leave the select nothing (ON CONFLICT DO UPDATE is atomic).
    const { rows } = await executor.query<{ window_second: string | number; used: number }>(
      `insert into eligibility.rate_windows as w (institution_code, window_second, used)
       values ($1, $2, 0) on conflict (institution_code) do update set used = w.used
       returning window_second, used`,
      [institutionCode, second],
    );
    const row = rows[0]!;
    const current = Number(row.window_second);
    if (current > second) return 0; // another instance's clock is ahead: this window is over
    const used = current === second ? row.used : 0;
    const granted = Math.max(0, Math.min(wanted, rate - used));
    await executor.query(
      `update eligibility.rate_windows set window_second = $2, used = $3 where institution_code = $1`,
      [institutionCode, second, used + granted],
    );
    return granted;
  });
}

/**
 * Deletes the windows that began before `second`; answers how many. A key that asks again starts
 * a new window anyway, so such rows only grow the table (one per address that ever asked for a
 * sign-in challenge). Safe beside reservations on other instances: a row one of them holds is
 * deleted only if, once it is released, its window is still that old.
 */
export async function deleteRateWindowsBefore(
  handle: DatabaseHandle,
  second: number,
): Promise<number> {
  const result = await sql`delete from eligibility.rate_windows
    where window_second < ${second}`.execute(handle.db);
  return Number(result.numAffectedRows ?? 0);
}
