import { describe, expect, it } from 'vitest';
import { knownMyNumbersIn, leaks } from './privacy-scan.js';

describe('knownMyNumbersIn', () => {
  const known = new Set(['123456789018', '000000000019']);

  it('finds a known number alone, quoted, and glued inside a longer run of digits', () => {
    expect(knownMyNumbersIn('a 123456789018 b', known)).toEqual(['123456789018']);
    expect(knownMyNumbersIn('{"x":"123456789018"}', known)).toEqual(['123456789018']);
    expect(knownMyNumbersIn('99123456789018000000000019', known)).toEqual([
      '123456789018',
      '000000000019',
    ]);
  });

  it('ignores unknown numbers and digits split by other characters', () => {
    expect(knownMyNumbersIn('123456789019 1234-5678-9018 12345678901', known)).toEqual([]);
  });

  it('names the source of each leak', () => {
    expect(
      leaks(
        [
          { source: 'a', text: 'none here' },
          { source: 'b', text: 'id=123456789018' },
        ],
        known,
      ),
    ).toEqual(['b: 123456789018']);
  });
});
