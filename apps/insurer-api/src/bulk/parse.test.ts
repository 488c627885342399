import { describe, expect, it } from 'vitest';
import { parseCsv, parseRecords } from './parse.js';
import { seededRandom } from '@shikaku/core/seeded-random';

const COLUMNS = ['myNumber', 'name', 'nameKana', 'birthDate'];

const PIECES = ['123456789018', '資格 太郎', 'ｼｶｸ ﾀﾛｳ', 'H1.9.13', '', ' ', '\t', 'x y', '東京都'];

/** Quote-free CSV text: padded fields, short and long rows, blank lines, LF or CRLF. */
function quoteFreeCsv(seed: number): string {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const crlf = next() < 0.3;
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) {
    const kind = next();
    if (kind < 0.1) {
      lines.push(pick(['', ' ', '\t ']));
      continue;
    }
    const fields = Array.from({ length: pick([1, 2, 4, 4, 4, 6]) }, () => {
      const pad = pick(['', '', ' ', '  ']);
      return `${pad}${pick(PIECES)}${pick(['', '', ' '])}`;
    });
    lines.push(fields.join(','));
  }
  return lines.join(crlf ? '\r\n' : '\n') + pick(['', '\n']);
}

describe('parseRecords', () => {
  it('parses quote-free CSV exactly as csv-parse does (lines, fields, blank lines)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const text = quoteFreeCsv(seed);
      const fast = parseRecords(Buffer.from(text), 'csv', COLUMNS, 10);
      expect(fast, `seed ${seed}`).toEqual(parseCsv(text, COLUMNS, 10));
    }
  });

  it('hands text with a quote to csv-parse', () => {
    const text = '1,"資格, 太郎",ｼｶｸ,H1.9.13\n2,x,y,z\n';
    expect(parseRecords(Buffer.from(text), 'csv', COLUMNS, 2)).toEqual([
      {
        line: 2,
        ok: true,
        fields: { myNumber: '1', name: '資格, 太郎', nameKana: 'ｼｶｸ', birthDate: 'H1.9.13' },
      },
      { line: 3, ok: true, fields: { myNumber: '2', name: 'x', nameKana: 'y', birthDate: 'z' } },
    ]);
  });
});
