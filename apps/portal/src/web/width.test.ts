import { describe, expect, it } from 'vitest';
import { normalizeCode, parseCount } from './width.js';

describe('full-width / half-width input', () => {
  it('reads codes in either width, with spaces and hyphens', () => {
    for (const typed of [
      '0110113719',
      '０１１０１１３７１９',
      '01-1011-3719',
      ' ０１１０ １１３ ７１９ ',
    ])
      expect(normalizeCode(typed)).toBe('0110113719');
  });
  it('reads counts in either width and refuses anything else', () => {
    expect(parseCount('３')).toBe(3);
    expect(parseCount('1,000', 4)).toBe(1000);
    expect(parseCount('三')).toBeNaN();
    expect(parseCount('')).toBeNaN();
  });
});
