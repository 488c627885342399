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
const LONG_VOWEL_VARIANTS = new Set([
  0x002d, // - hyphen-minus (also NFKC of －)
  0x2010, // ‐ hyphen
  0x2011, // ‑ non-breaking hyphen
  0x2012, // ‒ figure dash
  0x2013, // – en dash
  0x2014, // — em dash
  0x2015, // ― horizontal bar
  0x2212, // − minus sign
  0x30fc, // ー
  0xff70, // ｰ (in case NFKC was skipped)
  0x301c, // 〜 wave dash, used for ー in some handwritten-form transcriptions
  0xff5e, // ～ fullwidth tilde
  0x007e, // ~
]);

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x3000 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0xfeff;
}

/**
 * The form two カナ氏名 are compared in: NFKC (half-width → full-width, voiced marks composed),
 * hiragana → katakana, every whitespace removed, long-vowel/hyphen variants → ー.
 * ｼｶｸ ﾀﾛｳ, シカク\u3000タロウ and しかく たろう all normalise to シカクタロウ.
 */
export function normalizeKanaForMatching(name: string): string {
  const s = name.normalize('NFKC');
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isWhitespace(c)) continue;
    if (LONG_VOWEL_VARIANTS.has(c)) out += 'ー';
    else if ((c >= 0x3041 && c <= 0x3096) || c === 0x309d || c === 0x309e) {
      out += String.fromCharCode(c + 0x60); // ぁ..ゖ ゝゞ → ァ..ヶ ヽヾ
    } else out += s[i];
  }
  return out;
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

/** Full-width katakana (storage form): NFKC composes half-width kana and voiced marks. */
export function toFullWidthKana(name: string): string {
  return jaconv.toKatakana(name.normalize('NFKC'));
}

/**
 * A valid カナ氏名: katakana (full or half width), the long-vowel mark, ・ and spaces between the
 * parts, at least one katakana letter, no leading/trailing space.
 */
export function isKatakanaName(name: string): boolean {
  const s = name.normalize('NFKC');
  if (s.length === 0 || s.trim() !== s) return false;
  let letters = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30a1 && c <= 0x30fa) letters++;
    else if (c === 0x30fc || c === 0x30fb || c === 0x20 || c === 0x3000) continue;
    else return false;
  }
  return letters > 0;
}
