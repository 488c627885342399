// The per-institution rate limit across instances (ELIGIBILITY_SHARED_RATE_LIMIT=1): each instance
// spends requests it reserved in PostgreSQL for the current wall-clock second, a tenth of the rate
// at a time (eligibility.rate_windows), so all instances together admit at most the rate per
// second and the hot path writes once per chunk. An instance may hold up to a chunk it does not
// use, so the others can be refused while up to rate/10 per instance goes unused in that second.
// When the database cannot be asked, the instance falls back to its own in-process bucket.
import type { DatabaseHandle } from '@shikaku/db/database';
import { reserveRequests } from '@shikaku/db/eligibility/rate-windows';
import { createRateLimiter } from './auth.js';

interface Window {
  second: number;
  tokens: number;
  spent: boolean;
  reserving?: Promise<void> | undefined;
}

export function createSharedRateLimiter(handle: DatabaseHandle, wallMs: () => number = Date.now) {
  const windows = new Map<string, Window>();
  const fallback = createRateLimiter();
  return {
    async take(key: string, ratePerSecond: number, nowMs: number): Promise<boolean> {
      const second = Math.floor(wallMs() / 1000);
      let window = windows.get(key);
      if (!window || window.second !== second) {
        window = { second, tokens: 0, spent: false };
        windows.set(key, window);
      }
      const current = window;
      while (current.tokens < 1) {
        if (current.spent) return false;
        current.reserving ??= reserveRequests(
          handle,
          key,
          second,
          Math.max(1, Math.ceil(ratePerSecond / 10)),
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
    },
  };
}
