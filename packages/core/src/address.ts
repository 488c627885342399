/**
 * 住所 as the J-LIS five-fact comparison sees it: two addresses that differ only in notation
 * compare equal. The registry and insurers write the same place differently: `6-15-5`,
 * `6丁目15番5号`, `六丁目十五番五号`, full-width digits, `大字`/`字` present or not, spaces.
 *
 * A maintained library that normalises Japanese addresses exists on npm
 * (@geolonia/normalize-japanese-addresses), but it resolves towns against address data it fetches
 * over the network, and core is pure; this is the notation part only, held by a table of cases
 * (address.test.ts). It is a comparison form, not a display form: it never reorders or guesses,
 * so two addresses that differ in anything but notation stay different.
 */

const KANJI_DIGITS: Readonly<Record<string, number>> = {
  〇: 0,
  零: 0,
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const KANJI_UNITS: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };

/** A run of 漢数字 as a number: 十五 = 15, 二十 = 20, 百三 = 103, 一〇五 = 105 (digit by digit). */
export function kanjiNumeralToNumber(run: string): number | undefined {
  if (run.length === 0) return undefined;
  const hasUnit = [...run].some((c) => c in KANJI_UNITS);
  if (!hasUnit) {
    let n = 0;
    for (const c of run) {
      const d = KANJI_DIGITS[c];
      if (d === undefined) return undefined;
      n = n * 10 + d;
    }
    return n;
  }
  let total = 0;
  let digit: number | undefined;
  for (const c of run) {
    const d = KANJI_DIGITS[c];
    if (d !== undefined) {
      if (digit !== undefined) return undefined; // 二三十: not a numeral
      digit = d;
      continue;
    }
    const unit = KANJI_UNITS[c];
    if (unit === undefined) return undefined;
    total += (digit ?? 1) * unit;
    digit = undefined;
  }
  return total + (digit ?? 0);
}

// Dashes typed between the numbers of a 番地: after NFKC, full-width － is '-' and ｰ is ー.
const DASHES = /[‐‑‒–—―−ーｰ~〜～]/gu;
// Units a 漢数字 run is converted before (so place names such as 四谷 or 八王子 keep their kanji).
const NUMBERED_UNIT = '(?:丁目|番地|番|号|条|線|地割|の|-|$)';
const KANJI_RUN = new RegExp(`([〇零一二三四五六七八九十百千]+)(?=${NUMBERED_UNIT})`, 'gu');

/** The form two 住所 are compared in (see the file comment). */
export function normalizeAddressForMatching(address: string): string {
  let s = address.normalize('NFKC').replace(/\s+/gu, '');
  // 大字 and 字 introduce a district name and are written or left out at will.
  s = s.replaceAll('大字', '').replaceAll('字', '');
  s = s.replace(KANJI_RUN, (run) => {
    const n = kanjiNumeralToNumber(run);
    return n === undefined ? run : String(n);
  });
  // A dash between numbers (or after one, at the end) is the 番地 separator.
  s = s.replace(DASHES, (dash, offset: number, whole: string) =>
    /\d/u.test(whole.charAt(offset - 1)) ? '-' : dash,
  );
  // 6丁目15番5号, 15番地の5, 15の5 → 6-15-5, 15-5.
  s = s.replace(/(\d+)(?:丁目|番地の?|番の?|号|の)(?=\d|$)/gu, '$1-');
  s = s.replace(/(\d+)(?:番地|番|号)/gu, '$1-');
  return s.replace(/-+/gu, '-').replace(/-$/u, '');
}

/** True when two 住所 are the same once notation is removed. */
export function addressesMatch(a: string, b: string): boolean {
  return normalizeAddressForMatching(a) === normalizeAddressForMatching(b);
}
