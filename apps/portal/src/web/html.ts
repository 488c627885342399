import { formatDateTime } from './dates.js';

export { escapeHtml, Html, type HtmlPart, html, trusted } from '@shikaku/platform/html';

export const yen = (amount: number): string => `${amount.toLocaleString('ja-JP')}円`;

/** "2021年3月10日 10:00" in Japan time, for people (stored instants are UTC). */
export function jstDateTime(at: Date): string {
  return formatDateTime(at);
}
