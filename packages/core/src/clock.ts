/**
 * Every rule takes its "now" from a Clock so that tests are deterministic and the stack can run
 * "as of" a past date (`--as-of 2021-07-15`) to exercise the 2021 deadlines on any day.
 */
export interface Clock {
  now(): Date;
}

/** A clock stopped at one instant (tests, scripted scenarios). */
export function fixedClock(at: Date): Clock {
  const ms = at.getTime();
  return { now: () => new Date(ms) };
}

/**
 * A clock that starts at `asOf` and then advances in step with the real clock, so that timestamps
 * keep moving (24-hour consents expire, jobs run) while the calendar date is the one asked for.
 * The real clock is passed in: core never reads the system time itself.
 */
export function asOfClock(asOf: Date, realNowMs: () => number): Clock {
  const offset = asOf.getTime() - realNowMs();
  return { now: () => new Date(realNowMs() + offset) };
}

/** Japan has no daylight saving time: JST is always UTC+9. */
export const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** The calendar date in Japan (YYYY-MM-DD) at an instant. */
export function jstDate(at: Date): string {
  return new Date(at.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant at which a JST calendar day (YYYY-MM-DD) begins. */
export function jstStartOfDay(isoDate: string): Date {
  return new Date(Date.parse(`${isoDate}T00:00:00+09:00`));
}
