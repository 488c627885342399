// The per-institution rate limit shared by every eligibility-api instance: one row per institution
// holds the current one-second window (wall-clock seconds) and how many requests instances have
// reserved in it. An instance reserves a chunk at a time and spends it locally, so the hot path
// writes here once per chunk, not once per request.
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
    await executor.query(
      `insert into eligibility.rate_windows (institution_code, window_second, used)
       values ($1, $2, 0) on conflict (institution_code) do nothing`,
      [institutionCode, second],
    );
    const { rows } = await executor.query<{ window_second: string | number; used: number }>(
      `select window_second, used from eligibility.rate_windows
       where institution_code = $1 for update`,
      [institutionCode],
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
