import { asOfClock, type Clock } from '@shikaku/core/clock';

/** The real clock, or one moved to `asOf` (YYYY-MM-DD, start of that day in JST) that then runs on. */
export function systemClock(asOf?: string): Clock {
  if (!asOf) return { now: () => new Date() };
  return asOfClock(new Date(`${asOf}T09:00:00+09:00`), Date.now);
}
