/**
 * Calendar dates as whole days since 1970-01-01 (the columnar form of a birth date), converted
 * with Howard Hinnant's civil-date algorithms: integer maths only, much faster than Date objects
 * on the hot path of the writers.
 */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): [y: number, m: number, d: number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const TWO = Array.from({ length: 32 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

/** YYYY-MM-DD */
export function isoFromDays(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${y}-${TWO[m]}-${TWO[d]}`;
}

/** YYYYMMDD, the OQS message form. */
export function compactFromDays(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${y}${TWO[m]}${TWO[d]}`;
}

/** Days from YYYY-MM-DD or YYYYMMDD; NaN when it is not a real calendar date. */
export function daysFromIso(iso: string): number {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(iso);
  if (!m) return Number.NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return Number.NaN;
  const days = daysFromCivil(y, mo, d);
  const [y2, m2, d2] = civilFromDays(days);
  return y2 === y && m2 === mo && d2 === d ? days : Number.NaN;
}
