import jaconvModule from 'jaconv';

// jaconv ships CommonJS-style types for its ESM build: TypeScript (NodeNext) types the default
// import as the module object, while Node's `import` condition loads dist/jaconv.mjs, whose
// default export is the functions object itself. Re-type it once here.
const jaconv = jaconvModule as unknown as typeof jaconvModule.default;

/**
 * カナ氏名 comparison and display.
 *
 * Matching must treat as equal what differs only in how it was typed (width, spaces, hiragana vs
 * katakana, the many dash characters used for the long vowel) and must keep apart what is a
 * different name: voiced marks stay (タロウ ≠ ダロウ), small and large kana stay apart (ショウ ≠
 * シヨウ: some registries fold them, but then different names would merge).
 */

// Characters people and systems type for the long-vowel mark ー: after NFKC, half-width ｰ is
// already ー and full-width － is '-'. Mapped to ー.
function isLongVowelVariant(c: number): boolean {
  switch (c) {
    case 0x002d: // - hyphen-minus (also NFKC of －)
    case 0x2010: // ‐ hyphen
    case 0x2011: // ‑ non-breaking hyphen
    case 0x2012: // ‒ figure dash
    case 0x2013: // – en dash
    case 0x2014: // — em dash
    case 0x2015: // ― horizontal bar
    case 0x2212: // − minus sign
    case 0xff70: // ｰ (in case NFKC was skipped)
    case 0x301c: // 〜 wave dash, used for ー in some transcriptions
    case 0xff5e: // ～ fullwidth tilde
    case 0x007e: // ~
      return true;
    default:
      return false;
  }
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x3000 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0xfeff;
}

function isHiragana(c: number): boolean {
  return (c >= 0x3041 && c <= 0x3096) || c === 0x309d || c === 0x309e;
}

/** Full-width kana and spaces only: NFKC would change nothing that matching keeps (fast path). */
function isNfkcStableKana(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(
      (c >= 0x30a1 && c <= 0x30fe) ||
      (c >= 0x3041 && c <= 0x3096) ||
      c === 0x20 ||
      c === 0x3000
    )) {
      return false;
    }
  }
  return true;
}

/**
 * The form two カナ氏名 are compared in: NFKC (half-width → full-width, voiced marks composed),
 * hiragana → katakana, every whitespace and ・ removed, long-vowel/hyphen variants → ー.
 * ｼｶｸ ﾀﾛｳ, シカク\u3000タロウ, シカク・タロウ and しかく たろう all normalise to シカクタロウ;
 * ユ－コ, ユーコ and ﾕｰｺ to ユーコ.
 */
export function normalizeKanaForMatching(name: string): string {
  const s = isNfkcStableKana(name) ? name : name.normalize('NFKC');
  // Copy unchanged runs with slice; most names need only their space removed.
  let out = '';
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30a1 && c <= 0x30fc && c !== 0x30fb) continue; // katakana and ー: kept as is
    let replacement: string;
    // ・ separates family and given names as a space does (NFKC makes ･ into ・).
    if (isWhitespace(c) || c === 0x30fb) replacement = '';
    else if (isLongVowelVariant(c)) replacement = 'ー';
    else if (isHiragana(c))
      replacement = String.fromCharCode(c + 0x60); // ぁ..ゖ ゝゞ → ァ..ヶ ヽヾ
    else continue;
    out += s.slice(runStart, i) + replacement;
    runStart = i + 1;
  }
  return runStart === 0 ? s : out + s.slice(runStart);
}

/** True when the two カナ氏名 are the same name once typing differences are removed. */
export function kanaNamesMatch(a: string, b: string): boolean {
  return normalizeKanaForMatching(a) === normalizeKanaForMatching(b);
}

/**
 * Half-width katakana (the eligibility response's NameKana): full-width katakana and hiragana to
 * half-width, ideographic space to ASCII space. ヰ/ヱ have no half-width form and become ｲ/ｴ.
 */
export function toHalfWidthKana(name: string): string {
  return jaconv.toHanKana(jaconv.toKatakana(name.normalize('NFKC'))).replaceAll('\u3000', ' ');
}

/**
 * Full-width katakana (storage form): NFKC composes half-width kana and voiced marks, and the
 * dashes typed for the long vowel (ユ－コ) become ー.
 */
export function toFullWidthKana(name: string): string {
  let s = jaconv.toKatakana(name.normalize('NFKC'));
  for (let i = 0; i < s.length; i++) {
    if (isLongVowelVariant(s.charCodeAt(i))) s = `${s.slice(0, i)}ー${s.slice(i + 1)}`;
  }
  return s;
}

/**
 * A valid カナ氏名: katakana (full or half width), the long-vowel mark or a dash typed for it
 * (whatever matching reads as ー), ・ and spaces between the parts, at least one katakana letter,
 * no leading/trailing space.
 */
export function isKatakanaName(name: string): boolean {
  const s = name.normalize('NFKC');
  if (s.length === 0 || s.trim() !== s) return false;
  let letters = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30a1 && c <= 0x30fa) letters++;
    else if (c === 0x30fc || c === 0x30fb || c === 0x20 || c === 0x3000) continue;
    else if (isLongVowelVariant(c) && letters > 0) continue;
    else return false;
  }
  return letters > 0;
}
