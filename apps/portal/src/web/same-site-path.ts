/**
 * Where to go after login: a path on this site, else the home page. Browsers read `\` as `/` and
 * drop tabs and newlines from URLs, so `/\evil.example` and `/<TAB>/evil.example` mean
 * `//evil.example` (another site): a path that is not plainly same-site is refused whole rather
 * than cleaned.
 */
const SAME_SITE_PATH = /^\/(?![/\\])[^\\\s\p{Cc}]*$/u;
const MAX_LENGTH = 2000;

/** `next` as the query or form gave it (a repeated field comes as an array: refused too). */
export function sameSitePath(next: unknown, home = '/'): string {
  return typeof next === 'string' && next.length <= MAX_LENGTH && SAME_SITE_PATH.test(next)
    ? next
    : home;
}
