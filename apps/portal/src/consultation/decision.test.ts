import { describe, expect, it } from 'vitest';
import { checkExtension } from './decision.js';

describe('checkExtension', () => {
  it('extends to a later day, not in the past, within FY2021', () => {
    expect(checkExtension('2021-08-31', '2021-07-15')).toBeUndefined();
    expect(checkExtension(undefined, '2021-07-15')).toBe('NOT_A_DATE');
    expect(checkExtension('2021-08-01', '2021-07-15')).toBe('NOT_LATER');
    expect(checkExtension('2021-08-10', '2021-08-20')).toBe('IN_THE_PAST');
    expect(checkExtension('2022-04-01', '2021-07-15')).toBe('TOO_LATE');
    expect(checkExtension('2021-09-30', '2021-08-02', '2021-08-31')).toBeUndefined();
  });
});
