// Dates as Japanese pages write them: 2021年7月15日 (no zero padding), times in JST.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** '2021-07-15' → '2021年7月15日'; anything else unchanged. */
export function formatDate(iso: string): string {
  const m = ISO_DATE.exec(iso);
  if (!m) return iso;
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

const WEEKDAYS = ['日', '月', '火', '水', '木', '金', '土'];

/** '2021-08-02' → '2021年8月2日（月）', as the header's 本日 reads. */
export function formatDateWithWeekday(iso: string): string {
  if (!ISO_DATE.test(iso)) return iso;
  return `${formatDate(iso)}（${WEEKDAYS[new Date(`${iso}T00:00:00Z`).getUTCDay()]}）`;
}

/** An instant → '2021年7月15日 10:05' in Japan time. */
export function formatDateTime(at: Date): string {
  const jst = new Date(at.getTime() + 9 * 3_600_000).toISOString();
  return `${formatDate(jst.slice(0, 10))} ${jst.slice(11, 16)}`;
}
