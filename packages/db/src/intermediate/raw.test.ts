import { describe, expect, it } from 'vitest';
import { copyLines } from './raw.js';
import { seededRandom } from '@shikaku/core/seeded-random';

/** The encoder copyLines replaced (map, join, a regex per value): the reference it must equal. */
function referenceLine(row: readonly unknown[]): string {
  const value = (v: unknown): string => {
    if (v === null || v === undefined) return '\\N';
    if (typeof v === 'boolean') return v ? 't' : 'f';
    if (v instanceof Date) return v.toISOString();
    const text = String(v);
    return /[\\\t\n\r]/.test(text)
      ? text
          .replaceAll('\\', '\\\\')
          .replaceAll('\t', '\\t')
          .replaceAll('\n', '\\n')
          .replaceAll('\r', '\\r')
      : text;
  };
  return row.map(value).join('\t') + '\n';
}

const PIECES = [
  'a',
  '東京都',
  'ヤマダ タロウ',
  '\\',
  '\t',
  '\n',
  '\r',
  '\\N',
  ' ',
  '2021-07-15',
  '',
];

function randomValue(next: () => number): unknown {
  const kind = Math.floor(next() * 8);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return next() < 0.5;
    case 3:
      return new Date(Date.UTC(2000, 0, 1) + Math.floor(next() * 1e12));
    case 4:
      return Math.floor(next() * 1e6) - 1000;
    default: {
      let text = '';
      const parts = Math.floor(next() * 5);
      for (let i = 0; i < parts; i++) text += PIECES[Math.floor(next() * PIECES.length)];
      return text;
    }
  }
}

describe('copyLines', () => {
  it('encodes as the map/join encoder did: nulls, booleans, dates, numbers, escapes', () => {
    const next = seededRandom(42);
    const rows = Array.from({ length: 5_000 }, () =>
      Array.from({ length: 1 + Math.floor(next() * 30) }, () => randomValue(next)),
    );
    expect([...copyLines(rows)].join('')).toBe(rows.map(referenceLine).join(''));
  });

  it('escapes the backslash, tab, newline and carriage return of a value', () => {
    expect([...copyLines([['a\\b\tc\nd\re', null, true, false, 7]])]).toEqual([
      'a\\\\b\\tc\\nd\\re\t\\N\tt\tf\t7\n',
    ]);
  });

  it('yields chunks of whole lines', () => {
    const rows = Array.from({ length: 3_000 }, (_, i) => [`row ${i}`, 'x'.repeat(40)]);
    const chunks = [...copyLines(rows)];
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.endsWith('\n')).toBe(true);
    expect(chunks.join('')).toBe(rows.map(referenceLine).join(''));
  });
});
