/**
 * Calendar dates in core are `YYYY-MM-DD` strings (no time zone: a date in Japan). They compare
 * correctly as strings. Arithmetic goes through UTC midnight, which has no DST.
 */
export type IsoDate = string;

const DAY_MS = 86_400_000;

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
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

export function isoDate(y: number, m: number, d: number): IsoDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function dateParts(date: IsoDate): { year: number; month: number; day: number } {
  return {
    year: Number(date.slice(0, 4)),
    month: Number(date.slice(5, 7)),
    day: Number(date.slice(8, 10)),
  };
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const { year, month, day } = dateParts(date);
  return new Date(Date.UTC(year, month - 1, day) + days * DAY_MS).toISOString().slice(0, 10);
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
