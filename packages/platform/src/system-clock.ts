import {
  asOfClock,
  type Clock,
  type ControllableClock,
  controllableClock,
} from '@shikaku/core/clock';

/** The real clock, or one moved to `asOf` (YYYY-MM-DD, start of that day in JST) that then runs on. */
export function systemClock(asOf?: string): Clock {
  if (!asOf) return { now: () => new Date() };
  return asOfClock(asOfInstant(asOf), Date.now);
}

/**
 * The stack's one clock: from `asOf` (or now), running with real time, moved forward by the
 * stack's control endpoint. Every app of the stack gets this same instance.
 */
export function stackClock(asOf?: string): ControllableClock {
  return controllableClock(asOf ? asOfInstant(asOf) : new Date(), Date.now);
}

function asOfInstant(asOf: string): Date {
  return new Date(`${asOf}T09:00:00+09:00`);
}
