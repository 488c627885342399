import { describe, expect, it } from 'vitest';
import { parseDateInput } from './dates.js';

describe('Japanese dates', () => {
  it('reads what people type, in either width, and refuses days that do not exist', () => {
    for (const typed of ['2021-08-31', '2021/8/31', '2021年8月31日', '２０２１年８月３１日'])
      expect(parseDateInput(typed)).toBe('2021-08-31');
    expect(parseDateInput('2021-02-30')).toBeUndefined();
    expect(parseDateInput('8/31')).toBeUndefined();
  });
});
