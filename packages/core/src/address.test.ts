import { describe, expect, it } from 'vitest';
import { addressesMatch, kanjiNumeralToNumber, normalizeAddressForMatching } from './address.js';

describe('kanjiNumeralToNumber', () => {
  it.each([
    ['五', 5],
    ['十', 10],
    ['十五', 15],
    ['二十', 20],
    ['二十三', 23],
    ['百三', 103],
    ['千二百三十四', 1234],
    ['一〇五', 105],
  ])('%s = %i', (run, n) => expect(kanjiNumeralToNumber(run)).toBe(n));
  it('refuses what is not a numeral', () => {
    expect(kanjiNumeralToNumber('二三十')).toBeUndefined();
    expect(kanjiNumeralToNumber('')).toBeUndefined();
  });
});

// Pairs written the way registries, insurers' systems and people write the same address.
describe('addresses equal across notation', () => {
  it.each([
    ['東京都千代田区霞が関1-2-2', '東京都千代田区霞が関1丁目2番2号'],
    ['東京都新宿区西新宿6-15-5', '東京都新宿区西新宿6丁目15番5号'],
    ['東京都新宿区西新宿6-15-5', '東京都新宿区西新宿六丁目十五番五号'],
    ['東京都新宿区西新宿6-15-5', '東京都新宿区西新宿６－１５－５'],
    ['東京都新宿区西新宿6-15-5', '東京都新宿区西新宿６ー１５ー５'],
    ['東京都新宿区西新宿6-15-5', '東京都 新宿区 西新宿 6‐15‐5'],
    ['東京都新宿区西新宿6丁目15-5', '東京都新宿区西新宿6丁目15番地5'],
    ['埼玉県川口市大字芝1234番地', '埼玉県川口市芝1234'],
    ['沖縄県中頭郡読谷村字座喜味2901', '沖縄県中頭郡読谷村座喜味2901番地'],
    ['茨城県つくば市大字北条字中町123', '茨城県つくば市北条中町123'],
    ['北海道札幌市中央区北1条西2丁目1', '北海道札幌市中央区北一条西二丁目一番'],
    ['大阪府大阪市北区梅田3-1-3', '大阪府大阪市北区梅田３丁目１番３号'],
    [
      '京都府京都市中京区寺町通御池上る上本能寺前町488',
      '京都府京都市中京区寺町通御池上る上本能寺前町488番地',
    ],
    ['兵庫県神戸市中央区加納町6-5-1', '兵庫県神戸市中央区加納町6丁目5の1'],
  ])('%s = %s', (a, b) => {
    expect(normalizeAddressForMatching(a)).toBe(normalizeAddressForMatching(b));
    expect(addressesMatch(a, b)).toBe(true);
  });
});

describe('addresses that differ stay different', () => {
  it.each([
    ['東京都新宿区西新宿6-15-5', '東京都新宿区西新宿6-15-6'],
    ['東京都新宿区西新宿6-15-5', '東京都新宿区西新宿6-1-55'],
    ['東京都新宿区四谷1-1', '東京都新宿区4谷1-1'],
    ['東京都八王子市元本郷町3-24-1', '東京都8王子市元本郷町3-24-1'],
    ['北海道札幌市中央区北1条西2丁目', '北海道札幌市中央区北2条西1丁目'],
    ['東京都千代田区九段南1-2-1', '東京都千代田区九段北1-2-1'],
  ])('%s ≠ %s', (a, b) => expect(addressesMatch(a, b)).toBe(false));

  it('keeps place names with kanji numerals as they are', () => {
    expect(normalizeAddressForMatching('東京都八王子市元本郷町三丁目二十四番一号')).toBe(
      '東京都八王子市元本郷町3-24-1',
    );
    expect(normalizeAddressForMatching('愛知県一宮市本町2-5-6')).toBe('愛知県一宮市本町2-5-6');
  });
});
