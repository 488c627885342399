import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatDateWithWeekday } from './japanese-dates.js';

describe('Japanese dates', () => {
  it('writes 2021年7月15日 and JST times', () => {
    expect(formatDate('2021-07-15')).toBe('2021年7月15日');
    expect(formatDate('2021-08-01')).toBe('2021年8月1日');
    expect(formatDateTime(new Date('2021-07-15T01:05:00Z'))).toBe('2021年7月15日 10:05');
  });
  it('adds the weekday for the header (2021-08-02 was a Monday)', () => {
    expect(formatDateWithWeekday('2021-08-02')).toBe('2021年8月2日（月）');
    expect(formatDateWithWeekday('2021-10-20')).toBe('2021年10月20日（水）');
  });
});
