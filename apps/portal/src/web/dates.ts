// Dates as people type them on the portal's forms; writing them is shared (platform/japanese-dates).
export {
  formatDate,
  formatDateTime,
  formatDateWithWeekday,
} from '@shikaku/platform/japanese-dates';

/**
 * A date typed by a person: 2021-08-31, 2021/8/31, 2021年8月31日, full-width digits too
 * (NFKC). Answers 'YYYY-MM-DD' of a real calendar day, or undefined.
 */
export function parseDateInput(input: string | undefined): string | undefined {
  const m = /^(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?$/.exec(
    (input ?? '').normalize('NFKC').trim(),
  );
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]?.padStart(2, '0')}-${m[3]?.padStart(2, '0')}`;
  const day = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === iso ? iso : undefined;
}
