import { describe, expect, it } from 'vitest';
import { calculateSubsidy } from './subsidy.js';

describe('calculateSubsidy', () => {
  it.each([
    ['clinic', 1, 429_000, 321_000], // headline cap, not 321,750
    ['clinic', 1, 1_000_000, 321_000],
    ['clinic', 1, 400_000, 300_000],
    ['clinic', 1, 428_001, 321_000],
    ['clinic', 1, 427_999, 320_999], // floor(320,999.25)
    ['dental-clinic', 1, 429_000, 321_000],
    ['pharmacy', 1, 100_001, 75_000], // floor(75,000.75)
    ['large-chain-pharmacy', 1, 429_000, 214_000], // not 214,500
    ['large-chain-pharmacy', 1, 300_000, 150_000],
    ['hospital', 1, 2_101_000, 1_050_000], // not 1,050,500
    ['hospital', 1, 5_000_000, 1_050_000],
    ['hospital', 2, 2_002_000, 1_001_000],
    ['hospital', 3, 1_903_000, 951_000],
    ['hospital', 3, 1_000_001, 500_000],
    ['hospital', 3, 0, 0],
  ] as const)('%s with %i reader(s), cost ¥%i → ¥%i', (facilityType, readers, cost, subsidy) => {
    const result = calculateSubsidy({ facilityType, readers, cost });
    expect(result).toMatchObject({ ok: true, value: { subsidy } });
  });

  it('reports the bracket used', () => {
    expect(calculateSubsidy({ facilityType: 'hospital', readers: 2, cost: 3_000_000 })).toEqual({
      ok: true,
      value: {
        projectCostCap: 2_002_000,
        rate: { numerator: 1, denominator: 2 },
        subsidyCap: 1_001_000,
        eligibleCost: 2_002_000,
        subsidy: 1_001_000,
      },
    });
  });

  it.each([
    ['hospital', 0, 100, 'READERS'],
    ['hospital', 4, 100, 'READERS'],
    ['hospital', 1.5, 100, 'READERS'],
    ['clinic', 2, 100, 'READERS'],
    ['large-chain-pharmacy', 2, 100, 'READERS'],
    ['clinic', 1, -1, 'COST'],
    ['clinic', 1, 1.5, 'COST'],
    ['clinic', 1, Number.NaN, 'COST'],
  ] as const)('%s, %s readers, cost %s → %s', (facilityType, readers, cost, reason) => {
    expect(calculateSubsidy({ facilityType, readers, cost })).toMatchObject({
      ok: false,
      code: 'INVALID_SUBSIDY_INPUT',
      reason,
    });
  });
});
