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
