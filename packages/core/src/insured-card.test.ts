import { describe, expect, it } from 'vitest';
import { formatBranchNumber, isLateElderlyInsurer, parseInsuredCard } from './insured-card.js';

describe('insured card', () => {
  it.each([
    [
      { symbol: '0012', number: '000345', branch: '01' },
      { symbol: '0012', number: '000345', branch: '01' },
    ],
    [
      { symbol: ' 記号１ ', number: '12', branch: '7' },
      { symbol: '記号１', number: '12', branch: '07' },
    ],
    [
      { symbol: '12', number: '34' },
      { symbol: '12', number: '34', branch: null },
    ],
    [
      { symbol: '12', number: '34', branch: '' },
      { symbol: '12', number: '34', branch: null },
    ],
    [
      { symbol: null, number: '00001234', branch: '00', insurerNumber: '39131015' },
      { symbol: null, number: '00001234', branch: '00' },
    ],
    [
      { symbol: '', number: '5', insurerNumber: '39131015' },
      { symbol: null, number: '5', branch: null },
    ],
    [
      { symbol: 'A1', number: '5', insurerNumber: '01130012' },
      { symbol: 'A1', number: '5', branch: null },
    ],
  ])('%j parses, keeping leading zeros', (input, value) => {
    expect(parseInsuredCard(input)).toEqual({ ok: true, value });
  });

  it.each([
    [{ symbol: '1', number: '2', insurerNumber: '39131015' }, 'SYMBOL_NOT_ALLOWED'],
    [{ symbol: null, number: '2', insurerNumber: '01130012' }, 'SYMBOL_REQUIRED'],
    [{ symbol: '1 2', number: '2' }, 'SYMBOL_FORMAT'],
    [{ symbol: 'x'.repeat(39), number: '2' }, 'SYMBOL_FORMAT'],
    [{ symbol: '1', number: '  ' }, 'NUMBER_REQUIRED'],
    [{ symbol: '1', number: '1\u30002' }, 'NUMBER_FORMAT'],
    [{ symbol: '1', number: '2', branch: '001' }, 'BRANCH_FORMAT'],
    [{ symbol: '1', number: '2', branch: '０１' }, 'BRANCH_FORMAT'],
  ])('%j is rejected for %s', (input, reason) => {
    expect(parseInsuredCard(input)).toMatchObject({
      ok: false,
      code: 'INVALID_INSURED_CARD',
      reason,
    });
  });

  it('knows the 後期高齢者 insurers by 法別 39', () => {
    expect(isLateElderlyInsurer('39131015')).toBe(true);
    expect(isLateElderlyInsurer('01130012')).toBe(false);
    expect(isLateElderlyInsurer('390000')).toBe(false);
  });

  it('formats 枝番 with a leading zero', () => {
    expect(formatBranchNumber(0)).toBe('00');
    expect(formatBranchNumber(9)).toBe('09');
    expect(formatBranchNumber(42)).toBe('42');
    expect(() => formatBranchNumber(100)).toThrow(RangeError);
    expect(() => formatBranchNumber(1.5)).toThrow(RangeError);
  });
});
