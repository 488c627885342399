import { describe, expect, it } from 'vitest';
import { allocateMemberColumns, fillMemberColumns } from './columnar.js';
import { daysFromIso } from './days.js';
import { CHUNK_SIZE, generatePopulation, kanaIdOf } from './population.js';

describe('fillMemberColumns', () => {
  const options = { seed: 5, size: 3 * CHUNK_SIZE + 100, asOf: '2021-07-15' };

  it('holds the same My Number, birth date and kana as the row API', () => {
    const cols = allocateMemberColumns(options.size);
    fillMemberColumns(options, 0, options.size, cols);
    let i = 0;
    for (const p of generatePopulation(options)) {
      expect(cols.myNumber[i]).toBe(Number(p.myNumber));
      expect(cols.birthDays[i]).toBe(daysFromIso(p.birthDate));
      expect(cols.kanaId[i]).toBe(kanaIdOf(p.nameKana));
      expect(cols.sex[i]).toBe(p.sex);
      i++;
    }
    expect(i).toBe(options.size);
  });

  it('fills a chunk-aligned range at an offset, on shared memory, with the same values', () => {
    const whole = allocateMemberColumns(options.size);
    fillMemberColumns(options, 0, options.size, whole);
    const part = allocateMemberColumns(CHUNK_SIZE + 100, true);
    expect(part.myNumber.buffer).toBeInstanceOf(SharedArrayBuffer);
    fillMemberColumns(options, 2 * CHUNK_SIZE, options.size, part, 2 * CHUNK_SIZE);
    expect([...part.myNumber]).toEqual([...whole.myNumber.subarray(2 * CHUNK_SIZE)]);
    expect([...part.kanaId]).toEqual([...whole.kanaId.subarray(2 * CHUNK_SIZE)]);
    expect(() => fillMemberColumns(options, 7, 10, part)).toThrow(RangeError);
  });

  it('treats half-width and spaced kana as the same name and different readings as different', () => {
    expect(kanaIdOf('ｻﾄｳ ﾀﾛｳ')).toBe(kanaIdOf('サトウ\u3000タロウ'));
    expect(kanaIdOf('サトウ\u3000タロウ')).not.toBe(kanaIdOf('サトウ\u3000ジロウ'));
    expect(kanaIdOf('サトウ\u3000ユウコ')).toBeDefined();
  });
});
