import { describe, expect, it } from 'vitest';
import { eraOf, formatWareki, parseDate } from './wareki.js';

describe('parseDate', () => {
  it.each([
    ['S62.9.13', '1987-09-13'],
    ['H1.9.13', '1989-09-13'],
    ['H01.09.13', '1989-09-13'],
    ['h1.9.13', '1989-09-13'],
    ['R3.03.01', '2021-03-01'],
    ['H3.7.4', '1991-07-04'],
    ['H16.8.4', '2004-08-04'],
    ['Ｈ１．９．１３', '1989-09-13'],
    ['H1/9/13', '1989-09-13'],
    ['平成元年9月13日', '1989-09-13'],
    ['平成1年9月13日', '1989-09-13'],
    ['昭和62年9月13日', '1987-09-13'],
    ['令和元年5月1日', '2019-05-01'],
    ['㍻元年9月13日', '1989-09-13'],
    ['大正15年12月24日', '1926-12-24'],
    ['T1.7.30', '1912-07-30'],
    ['M45.7.29', '1912-07-29'],
    ['M6.1.1', '1873-01-01'],
    ['S1.12.25', '1926-12-25'],
    ['S64.1.7', '1989-01-07'],
    ['H1.1.8', '1989-01-08'],
    ['H31.4.30', '2019-04-30'],
    ['R1.5.1', '2019-05-01'],
    ['H4.2.29', '1992-02-29'],
    ['1989-09-13', '1989-09-13'],
    ['19890913', '1989-09-13'],
    ['1989/9/13', '1989-09-13'],
    [' 2021-06-30 ', '2021-06-30'],
  ])('%s → %s', (input, iso) => {
    expect(parseDate(input)).toEqual({ ok: true, value: iso });
  });

  it.each([
    ['S64.1.8', 'OUT_OF_ERA'],
    ['H1.1.7', 'OUT_OF_ERA'],
    ['H31.5.1', 'OUT_OF_ERA'],
    ['R1.4.30', 'OUT_OF_ERA'],
    ['S1.12.24', 'OUT_OF_ERA'],
    ['T15.12.25', 'OUT_OF_ERA'],
    ['T1.7.29', 'OUT_OF_ERA'],
    ['M5.12.31', 'OUT_OF_ERA'],
    ['H0.1.1', 'OUT_OF_ERA'],
    ['H3.2.29', 'DAY'],
    ['H1.13.1', 'MONTH'],
    ['H1.9.31', 'DAY'],
    ['2021-02-29', 'DAY'],
    ['2021-00-10', 'MONTH'],
    ['2021-02-30', 'DAY'],
    ['2021-13-01', 'MONTH'],
    ['0000-01-01', 'YEAR'],
    ['00000101', 'YEAR'],
    ['0999-12-31', 'YEAR'],
    ['X1.9.13', 'FORMAT'],
    ['平成元年9月', 'FORMAT'],
    ['yesterday', 'FORMAT'],
    ['', 'FORMAT'],
  ])('%s is rejected for %s', (input, reason) => {
    expect(parseDate(input)).toMatchObject({ ok: false, code: 'INVALID_DATE', reason });
  });
});

describe('formatWareki', () => {
  it.each([
    ['1987-09-13', 'S62.9.13', '昭和62年9月13日'],
    ['1989-09-13', 'H1.9.13', '平成元年9月13日'],
    ['1989-01-07', 'S64.1.7', '昭和64年1月7日'],
    ['1989-01-08', 'H1.1.8', '平成元年1月8日'],
    ['2019-04-30', 'H31.4.30', '平成31年4月30日'],
    ['2019-05-01', 'R1.5.1', '令和元年5月1日'],
    ['2021-03-01', 'R3.3.1', '令和3年3月1日'],
    ['1926-12-24', 'T15.12.24', '大正15年12月24日'],
    ['1912-07-29', 'M45.7.29', '明治45年7月29日'],
  ])('%s → %s / %s, and back', (iso, short, long) => {
    expect(formatWareki(iso)).toBe(short);
    expect(formatWareki(iso, 'long')).toBe(long);
    expect(parseDate(short)).toEqual({ ok: true, value: iso });
    expect(parseDate(long)).toEqual({ ok: true, value: iso });
  });

  it('rejects dates it cannot write in 和暦', () => {
    expect(() => formatWareki('1872-12-31')).toThrow(RangeError);
    expect(() => formatWareki('2021-02-30')).toThrow(RangeError);
    expect(eraOf('1800-01-01')).toBeUndefined();
  });
});
