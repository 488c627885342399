import { formatDateTime } from './dates.js';

// Server-rendered HTML with tagged template literals: every interpolated value is escaped unless it
// is already Html (built by this tag), so a page cannot be broken by what a user typed.

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlPart = Html | string | number | null | undefined | false | readonly HtmlPart[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(part: HtmlPart): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...values: HtmlPart[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Trusted markup built by code (an SVG chart), never user input. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

export const yen = (amount: number): string => `${amount.toLocaleString('ja-JP')}円`;

/** "2021年3月10日 10:00" in Japan time, for people (stored instants are UTC). */
export function jstDateTime(at: Date): string {
  return formatDateTime(at);
}
