import { daysInMonth, isIsoDate, isoDate, type IsoDate } from './dates.js';
import { failure, type ParseResult } from './result.js';

/**
 * 和暦 (Japanese era) dates as Japanese source data writes them: S62.9.13, H1.9.13, R3.03.01,
 * H01.09.13, 平成元年9月13日, 昭和62年9月13日, and ISO YYYY-MM-DD / YYYYMMDD. 元年 is year 1.
 * A date outside its era is rejected (S64.1.8 does not exist: 平成 began 1989-01-08).
 */
export const ERAS = [
  // 明治 dates before 明治6年 (1873) were lunisolar; only Gregorian 明治 dates are accepted.
  { name: '明治', letter: 'M', start: '1873-01-01', end: '1912-07-29', offset: 1867 },
  { name: '大正', letter: 'T', start: '1912-07-30', end: '1926-12-24', offset: 1911 },
  { name: '昭和', letter: 'S', start: '1926-12-25', end: '1989-01-07', offset: 1925 },
  { name: '平成', letter: 'H', start: '1989-01-08', end: '2019-04-30', offset: 1988 },
  { name: '令和', letter: 'R', start: '2019-05-01', end: '9999-12-31', offset: 2018 },
] as const;
export type Era = (typeof ERAS)[number];
export type EraName = Era['name'];

export const DATE_ERROR = 'INVALID_DATE';
export const DATE_REASONS = ['FORMAT', 'ERA', 'MONTH', 'DAY', 'OUT_OF_ERA', 'YEAR'] as const;
export type DateReason = (typeof DATE_REASONS)[number];
export type DateResult = ParseResult<IsoDate, typeof DATE_ERROR, DateReason>;

const SHORT = /^([MTSHR])\s*(\d{1,2}|元)\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{1,2})$/i;
const LONG = /^(明治|大正|昭和|平成|令和)\s*(\d{1,2}|元)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$/;
const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const SLASHED = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;

function eraBy(key: string): Era | undefined {
  const upper = key.toUpperCase();
  return ERAS.find((e) => e.letter === upper || e.name === key);
}

function checkDay(y: number, m: number, d: number): DateReason | null {
  if (m < 1 || m > 12) return 'MONTH';
  if (d < 1 || d > daysInMonth(y, m)) return 'DAY';
  return null;
}

/** Parses a 和暦 or ISO date to `YYYY-MM-DD`. Full-width digits and letters are accepted (NFKC). */
export function parseDate(input: string): DateResult {
  const s = input.normalize('NFKC').trim();
  const gregorian = ISO.exec(s) ?? COMPACT.exec(s) ?? SLASHED.exec(s);
  if (gregorian) {
    const [y, m, d] = [Number(gregorian[1]), Number(gregorian[2]), Number(gregorian[3])];
    // Year 0 does not exist (PostgreSQL refuses 0000-01-01); no record of ours is before 1000.
    if (y < 1000) return failure(DATE_ERROR, 'YEAR', `${input} is before the year 1000`);
    const bad = checkDay(y, m, d);
    if (bad) return failure(DATE_ERROR, bad, `${input} is not a calendar date`);
    return { ok: true, value: isoDate(y, m, d) };
  }
  const match = SHORT.exec(s) ?? LONG.exec(s);
  if (!match) {
    return failure(
      DATE_ERROR,
      'FORMAT',
      `${input} is not a date: use YYYY-MM-DD, H1.9.13 or 平成元年9月13日`,
    );
  }
  const era = eraBy(match[1] as string);
  if (!era) return failure(DATE_ERROR, 'ERA', `unknown era in ${input}`);
  const eraYear = match[2] === '元' ? 1 : Number(match[2]);
  if (eraYear < 1) return failure(DATE_ERROR, 'OUT_OF_ERA', `${era.name} has no year 0`);
  const [y, m, d] = [era.offset + eraYear, Number(match[3]), Number(match[4])];
  const bad = checkDay(y, m, d);
  if (bad) return failure(DATE_ERROR, bad, `${input} is not a calendar date`);
  const iso = isoDate(y, m, d);
  if (iso < era.start || iso > era.end) {
    return failure(
      DATE_ERROR,
      'OUT_OF_ERA',
      `${input} (${iso}) is outside ${era.name} (${era.start} to ${era.end === '9999-12-31' ? 'now' : era.end})`,
    );
  }
  return { ok: true, value: iso };
}

/** The era a Gregorian date falls in, or undefined before 明治6年. */
export function eraOf(date: IsoDate): Era | undefined {
  for (let i = ERAS.length - 1; i >= 0; i--) {
    const era = ERAS[i] as Era;
    if (date >= era.start) return date <= era.end ? era : undefined;
  }
  return undefined;
}

export type WarekiStyle = 'short' | 'long';

/**
 * Formats a `YYYY-MM-DD` date in 和暦: short `H1.9.13`, long `平成元年9月13日`.
 * Throws RangeError for an invalid date or one before 明治6年 (callers pass validated dates).
 */
export function formatWareki(date: IsoDate, style: WarekiStyle = 'short'): string {
  if (!isIsoDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const era = eraOf(date);
  if (!era) throw new RangeError(`${date} is before 明治6年 (1873), the first Gregorian 和暦 year`);
  const year = Number(date.slice(0, 4)) - era.offset;
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  return style === 'short'
    ? `${era.letter}${year}.${month}.${day}`
    : `${era.name}${year === 1 ? '元' : year}年${month}月${day}日`;
}
