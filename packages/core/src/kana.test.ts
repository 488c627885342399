import { describe, expect, it } from 'vitest';
import {
  isKatakanaName,
  kanaNamesMatch,
  normalizeKanaForMatching,
  toFullWidthKana,
  toHalfWidthKana,
} from './kana.js';

describe('normalizeKanaForMatching', () => {
  it.each([
    ['ｼｶｸ ﾀﾛｳ', 'シカク　タロウ'],
    ['シカク タロウ', 'シカクタロウ'],
    ['しかく　たろう', 'シカク タロウ'],
    ['ｼｶｸ\tﾀﾛｳ ', ' シカク  タロウ'],
    ['ｶﾞｸ', 'ガク'],
    ['ｻﾄｰ', 'サトー'],
    ['サト－', 'サトー'],
    ['サト‐', 'サトー'],
    ['サト-', 'サトー'],
    ['サト―', 'サトー'],
    ['ﾊﾟｰｸ', 'パーク'],
  ])('%j = %j', (a, b) => {
    expect(kanaNamesMatch(a, b)).toBe(true);
  });

  it.each([
    ['シカク タロウ', 'シカク ジロウ'],
    ['シカク タロウ', 'シカク ダロウ'],
    ['ショウ', 'シヨウ'],
    ['ヤマダ ハナコ', 'ヤマダ ハナ'],
    ['サトー', 'サト'],
    ['ハ', 'バ'],
    ['ハ', 'パ'],
  ])('%j ≠ %j', (a, b) => {
    expect(kanaNamesMatch(a, b)).toBe(false);
  });

  it('gives one canonical form', () => {
    expect(normalizeKanaForMatching('ｼｶｸ ﾀﾛｳ')).toBe('シカクタロウ');
    expect(normalizeKanaForMatching('ゝゞ')).toBe('ヽヾ');
  });
});

describe('width conversion', () => {
  it.each([
    ['シカク　タロウ', 'ｼｶｸ ﾀﾛｳ'],
    ['しかく はなこ', 'ｼｶｸ ﾊﾅｺ'],
    ['ガッコウ パーク', 'ｶﾞｯｺｳ ﾊﾟｰｸ'],
    ['ｼｶｸ ﾀﾛｳ', 'ｼｶｸ ﾀﾛｳ'],
    ['ヴァイオレット', 'ｳﾞｧｲｵﾚｯﾄ'],
  ])('half-width of %j is %j', (full, half) => {
    expect(toHalfWidthKana(full)).toBe(half);
  });

  it('full-width composes voiced marks', () => {
    expect(toFullWidthKana('ｶﾞｸ ﾊﾟｰｸ')).toBe('ガク パーク');
  });
});

describe('isKatakanaName', () => {
  it.each([
    ['シカク タロウ', true],
    ['シカク　タロウ', true],
    ['ｼｶｸ ﾀﾛｳ', true],
    ['サトー・ジョン', true],
    ['ヴァン', true],
    ['しかく たろう', false],
    ['四角 太郎', false],
    ['SHIKAKU', false],
    [' シカク', false],
    ['', false],
    ['ー', false],
  ])('%j → %s', (name, valid) => {
    expect(isKatakanaName(name)).toBe(valid);
  });
});

describe('normalizeKanaForMatching against a reference', () => {
  // The reference is the rule written plainly; the implementation has a fast path that skips NFKC.
  const reference = (s: string) =>
    s
      .normalize('NFKC')
      .replace(/[\s\u3000\ufeff]/gu, '')
      .replace(/[\u3041-\u3096\u309d\u309e]/gu, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60))
      .replace(/[-‐‑‒–—―−ー~〜～ｰ]/gu, 'ー');
  const pool = [
    ...'シカクタロウガパァッーしかくがぱぁっ ｼｶｸﾀﾞﾛｰ　-－‐〜ヴゝゞ・漢A１',
    '\u3099',
    '\u309a',
  ];

  it('agrees on 5,000 generated names', () => {
    let state = 7;
    for (let n = 0; n < 5000; n++) {
      let s = '';
      const len = 1 + (n % 9);
      for (let i = 0; i < len; i++) {
        state = (state * 1103515245 + 12345) % 2147483648;
        s += pool[state % pool.length];
      }
      expect(normalizeKanaForMatching(s), JSON.stringify(s)).toBe(reference(s));
    }
  });
});

describe('kana names as the matcher reads them (issue 13)', () => {
  it('treats ・ and a space alike, and the long-vowel dashes alike', async () => {
    const { isKatakanaName, kanaNamesMatch, toFullWidthKana } = await import('./kana.js');
    expect(kanaNamesMatch('ジョン・スミス', 'ジョン スミス')).toBe(true);
    expect(kanaNamesMatch('ｼﾞｮﾝ･ｽﾐｽ', 'ジョン　スミス')).toBe(true);
    for (const a of ['ユ－コ', 'ユーコ', 'ﾕｰｺ', 'ユ-コ'])
      for (const b of ['ユ－コ', 'ユーコ', 'ﾕｰｺ']) expect(kanaNamesMatch(a, b)).toBe(true);
    // Whatever matches is a valid name, stored with ー.
    for (const name of ['シカク ユ－コ', 'シカク ユーコ', 'ｼｶｸ ﾕｰｺ', 'シカク・ユーコ'])
      expect(isKatakanaName(name)).toBe(true);
    expect(toFullWidthKana('シカク ユ－コ')).toBe('シカク ユーコ');
    expect(isKatakanaName('－ユコ')).toBe(false);
    // Different names stay apart.
    expect(kanaNamesMatch('ユウコ', 'ユーコ')).toBe(false);
    expect(kanaNamesMatch('ショウ', 'シヨウ')).toBe(false);
  });
});
