// The per-institution rate limit across instances (ELIGIBILITY_SHARED_RATE_LIMIT=1): each instance
// spends requests it reserved in PostgreSQL for the current wall-clock second, a tenth of the rate
// at a time (eligibility.rate_windows), so all instances together admit at most the rate per
// second and the hot path writes once per chunk. A reservation asks for no more than the calls
// waiting for it, so a burst spends every token it reserved: an instance that asked for a whole
// chunk for its last two calls held a token it never used while the others were refused (three
// instances of 20 calls at rate 25 admitted 24 whenever one of them won seven chunks). A lone
// call reserves just itself, so traffic with no concurrency writes once per request.
// When the database cannot be asked, the instance falls back to its own in-process bucket.
// Past windows are forgotten: in memory when the map has doubled and once a minute, and in the
// table once a minute by each instance (a delete of old rows, off the calls' path).
import type { DatabaseHandle } from '@shikaku/db/database';
import { deleteRateWindowsBefore, reserveRequests } from '@shikaku/db/eligibility/rate-windows';
import { createIdleSweep, createRateLimiter } from './auth.js';

/**
 * How often an instance deletes old rows, and how old they must be (seconds): a row is kept a
 * minute past its window, so an instance whose clock is behind by less still finds its own.
 */
export const RATE_WINDOW_SWEEP_SECONDS = 60;

interface Window {
  second: number;
  tokens: number;
  spent: boolean;
  /** Calls of this window in take(): none leaves while a reservation is in flight. */
  waiting: number;
  reserving?: Promise<void> | undefined;
}

export function createSharedRateLimiter(handle: DatabaseHandle, wallMs: () => number = Date.now) {
  const windows = new Map<string, Window>();
  const sweepWindows = createIdleSweep(windows);
  const fallback = createRateLimiter();
  let nextSweep = 0;
  let sweeping: Promise<void> = Promise.resolve();
  return {
    async take(key: string, ratePerSecond: number, nowMs: number): Promise<boolean> {
      const second = Math.floor(wallMs() / 1000);
      const idle = (window: Window) => window.second < second && window.waiting === 0;
      if (second >= nextSweep) {
        nextSweep = second + RATE_WINDOW_SWEEP_SECONDS;
        sweepWindows(idle, true);
        // A failed sweep is retried the next minute; the calls never wait for it.
        sweeping = deleteRateWindowsBefore(handle, second - RATE_WINDOW_SWEEP_SECONDS).then(
          () => undefined,
          () => undefined,
        );
      }
      let window = windows.get(key);
      if (!window || window.second !== second) {
        if (!window) sweepWindows(idle);
        window = { second, tokens: 0, spent: false, waiting: 0 };
        windows.set(key, window);
      }
      const current = window;
      current.waiting += 1;
      try {
        while (current.tokens < 1) {
          if (current.spent) return false;
          current.reserving ??= reserveRequests(
            handle,
            key,
            second,
            Math.min(Math.max(1, Math.ceil(ratePerSecond / 10)), current.waiting),
            ratePerSecond,
          )
            .then((granted) => {
              current.tokens += granted;
              if (granted === 0) current.spent = true;
            })
            .finally(() => (current.reserving = undefined));
          try {
            await current.reserving;
          } catch {
            return fallback.take(key, ratePerSecond, nowMs);
          }
        }
        current.tokens -= 1;
        return true;
      } finally {
        current.waiting -= 1;
      }
    },
    /** Settles once the table sweep in flight (if any) is done: for tests and shutdown. */
    swept: () => sweeping,
    /** Windows held in memory (tests: they stay bounded). */
    size: () => windows.size,
  };
}
