/**
 * Calendar dates in core are `YYYY-MM-DD` strings (no time zone: a date in Japan). They compare
 * correctly as strings. Arithmetic goes through UTC midnight, which has no DST.
 */
export type IsoDate = string;

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** A real calendar date in YYYY-MM-DD form (years 1000–9999). */
export function isIsoDate(s: string): boolean {
  if (s.length !== 10 || s[4] !== '-' || s[7] !== '-') return false;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  return y >= 1000 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

export function isoDate(y: number, m: number, d: number): IsoDate {
  return `${y >= 1000 ? String(y) : String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/** The number written by `length` ASCII digits of `s` from `at` (the caller knows they are). */
function digits(s: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return n;
}

export function dateParts(date: IsoDate): { year: number; month: number; day: number } {
  return { year: digits(date, 0, 4), month: digits(date, 5, 2), day: digits(date, 8, 2) };
}

// Day numbers of the proleptic Gregorian calendar, in integer arithmetic (H. Hinnant, "chrono-
// Compatible Low-Level Date Algorithms", days_from_civil / civil_from_days): the eligibility path
// adds days to several dates per answer, and a Date object with toISOString costs ten times more.

/** Days from 1970-01-01 to the date (negative before). */
function dayNumber(y: number, m: number, d: number): number {
  const year = m <= 2 ? y - 1 : y;
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The date `dayNumber` days from 1970-01-01. */
function fromDayNumber(dayNumber: number): IsoDate {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  return isoDate(yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const { year, month, day } = dateParts(date);
  return fromDayNumber(dayNumber(year, month, day) + days);
}

/**
 * The date `years` after `date` on the same month and day; 29 February becomes 1 March in a
 * common year (年齢計算ニ関スル法律: one reaches an age on the day before the birthday, but
 * benefit rules here are stated "from the birthday", so the birthday itself is used).
 */
export function addYears(date: IsoDate, years: number): IsoDate {
  const { year, month, day } = dateParts(date);
  const y = year + years;
  if (month === 2 && day === 29 && !isLeapYear(y)) return isoDate(y, 3, 1);
  return isoDate(y, month, day);
}

/** Completed years of age on `on` (birthday counts as the day the age increases). */
export function ageOn(birthDate: IsoDate, on: IsoDate): number {
  const b = dateParts(birthDate);
  const o = dateParts(on);
  let age = o.year - b.year;
  if (o.month < b.month || (o.month === b.month && o.day < b.day)) age--;
  return age;
}

/** `YYYYMMDD` (the OQS message form) to `YYYY-MM-DD`; no validation. */
export function fromCompactDate(s: string): IsoDate {
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/** `YYYY-MM-DD` to `YYYYMMDD`. */
export function toCompactDate(date: IsoDate): string {
  return `${date.slice(0, 4)}${date.slice(5, 7)}${date.slice(8, 10)}`;
}
