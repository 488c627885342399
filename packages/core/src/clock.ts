import { failure, type ParseResult } from './result.js';

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

/** One move of a controllable clock: where it was and where it is now. */
export interface ClockAdvance {
  from: Date;
  to: Date;
}

/** Told after each move; the move is answered once every listener has settled. */
export type ClockAdvanceListener = (advance: ClockAdvance) => Promise<void> | void;

/**
 * A clock that runs with the real one from `start` and can be moved forward (never back) by the
 * stack's control endpoint, so 24-hour consents expire and dated jobs come due without a restart.
 * Every app of one stack holds the same instance, so they agree on "now".
 */
export interface ControllableClock extends Clock {
  /** Moves forward by `ms` (≥ 0, checked by the caller with parseClockStep) and tells listeners. */
  advance(ms: number): Promise<ClockAdvance>;
  /** How far the clock has been moved by advance() in all. */
  advancedMs(): number;
  /** Registers a listener (a job scheduler); returns its removal. */
  onAdvance(listener: ClockAdvanceListener): () => void;
}

export function isControllableClock(clock: Clock): clock is ControllableClock {
  return typeof (clock as Partial<ControllableClock>).onAdvance === 'function';
}

export function controllableClock(start: Date, realNowMs: () => number): ControllableClock {
  const base = start.getTime() - realNowMs();
  let advanced = 0;
  const listeners = new Set<ClockAdvanceListener>();
  const now = () => new Date(realNowMs() + base + advanced);
  return {
    now,
    advancedMs: () => advanced,
    async advance(ms) {
      if (!(Number.isSafeInteger(ms) && ms >= 0)) {
        throw new RangeError(`a clock moves forward by a whole number of ms; got ${ms}`);
      }
      const from = now();
      advanced += ms;
      const move = { from, to: new Date(from.getTime() + ms) };
      await Promise.allSettled([...listeners].map(async (listener) => listener(move)));
      return move;
    },
    onAdvance(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type ClockStepCode = 'INVALID_CLOCK_STEP' | 'CLOCK_BACKWARDS';

/** The longest single move: ten years is enough to cross every policy era. */
export const MAX_CLOCK_STEP_MS = 3_660 * 24 * 60 * 60 * 1000;

const STEP_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * A clock move written as people write it: `24h`, `90m`, `1d12h`, `2w`, `500ms`. A leading `-` is
 * a move backwards, refused as CLOCK_BACKWARDS (nothing that already happened is undone); anything
 * else that is not such a duration is INVALID_CLOCK_STEP.
 */
export function parseClockStep(
  text: string,
): ParseResult<number, ClockStepCode, 'backwards' | 'format' | 'too-large'> {
  const trimmed = text.trim();
  if (/^-/.test(trimmed)) {
    return failure('CLOCK_BACKWARDS', 'backwards', 'the clock only moves forward');
  }
  const body = trimmed.startsWith('+') ? trimmed.slice(1) : trimmed;
  if (!/^(\d{1,7}(ms|s|m|h|d|w))+$/.test(body)) {
    return failure(
      'INVALID_CLOCK_STEP',
      'format',
      `a clock step is a duration like 24h, 90m, 1d12h, 2w or 500ms; got ${JSON.stringify(text)}`,
    );
  }
  let ms = 0;
  for (const part of body.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) {
    ms += Number(part[1]) * STEP_UNITS[part[2]!]!;
  }
  if (ms > MAX_CLOCK_STEP_MS) {
    return failure('INVALID_CLOCK_STEP', 'too-large', 'one clock step is at most 3660 days');
  }
  return { ok: true, value: ms };
}

/**
 * The move that brings `clock` to the instant `to` (ISO date-time, or a date for the start of that
 * JST day); an instant before now is CLOCK_BACKWARDS.
 */
export function clockStepTo(
  now: Date,
  to: string,
): ParseResult<number, ClockStepCode, 'backwards' | 'format' | 'too-large'> {
  const at = /^\d{4}-\d{2}-\d{2}$/.test(to)
    ? Date.parse(`${to}T00:00:00+09:00`)
    : /^\d{4}-\d{2}-\d{2}T/.test(to)
      ? Date.parse(to)
      : Number.NaN;
  if (!Number.isFinite(at)) {
    return failure(
      'INVALID_CLOCK_STEP',
      'format',
      `a clock target is a date (YYYY-MM-DD, JST) or an ISO date-time; got ${JSON.stringify(to)}`,
    );
  }
  const ms = at - now.getTime();
  if (ms < 0) {
    return failure(
      'CLOCK_BACKWARDS',
      'backwards',
      `the clock is at ${now.toISOString()}; it only moves forward`,
    );
  }
  if (ms > MAX_CLOCK_STEP_MS) {
    return failure('INVALID_CLOCK_STEP', 'too-large', 'one clock step is at most 3660 days');
  }
  return { ok: true, value: ms };
}
