import type { FacilityType } from './facility.js';
import { failure, type ParseResult } from './result.js';

/**
 * Subsidy (補助金) for the costs other than the free readers (system changes, networking), from
 * the 2021 table. Caps include 10% consumption tax and are the headline amounts:
 * subsidy = min(floor(min(cost, projectCostCap) × rate), subsidyCap), in whole yen, so ¥429,000 at
 * a clinic gives ¥321,000, not ¥321,750.
 */
export interface SubsidyBracket {
  /** 事業費上限 (tax included) */
  projectCostCap: number;
  /** 補助率 as a fraction, kept exact. */
  rate: { numerator: number; denominator: number };
  /** 補助上限 (tax included) */
  subsidyCap: number;
}

/** Hospitals by readers introduced (1, 2, 3). */
export const HOSPITAL_SUBSIDY: readonly [SubsidyBracket, SubsidyBracket, SubsidyBracket] = [
  { projectCostCap: 2_101_000, rate: { numerator: 1, denominator: 2 }, subsidyCap: 1_050_000 },
  { projectCostCap: 2_002_000, rate: { numerator: 1, denominator: 2 }, subsidyCap: 1_001_000 },
  { projectCostCap: 1_903_000, rate: { numerator: 1, denominator: 2 }, subsidyCap: 951_000 },
];
/** 大型チェーン薬局 (group ≥ 40,000 prescriptions a month), one reader. */
export const LARGE_CHAIN_PHARMACY_SUBSIDY: SubsidyBracket = {
  projectCostCap: 429_000,
  rate: { numerator: 1, denominator: 2 },
  subsidyCap: 214_000,
};
/** Clinics (医科 and 歯科) and pharmacies other than large chains, one reader. */
export const CLINIC_OR_PHARMACY_SUBSIDY: SubsidyBracket = {
  projectCostCap: 429_000,
  rate: { numerator: 3, denominator: 4 },
  subsidyCap: 321_000,
};

export interface SubsidyInput {
  facilityType: FacilityType;
  readers: number;
  /** 事業費 in yen, tax included. */
  cost: number;
}

export interface SubsidyResult extends SubsidyBracket {
  /** The cost counted: min(cost, projectCostCap). */
  eligibleCost: number;
  /** The subsidy in whole yen. */
  subsidy: number;
}

export const SUBSIDY_ERROR = 'INVALID_SUBSIDY_INPUT';
export const SUBSIDY_REASONS = ['READERS', 'COST'] as const;
export type SubsidyReason = (typeof SUBSIDY_REASONS)[number];

export function subsidyBracket(
  facilityType: FacilityType,
  readers: number,
): SubsidyBracket | undefined {
  if (facilityType === 'hospital') return HOSPITAL_SUBSIDY[readers - 1];
  if (readers !== 1) return undefined;
  return facilityType === 'large-chain-pharmacy'
    ? LARGE_CHAIN_PHARMACY_SUBSIDY
    : CLINIC_OR_PHARMACY_SUBSIDY;
}

export function calculateSubsidy(
  input: SubsidyInput,
): ParseResult<SubsidyResult, typeof SUBSIDY_ERROR, SubsidyReason> {
  if (!Number.isSafeInteger(input.cost) || input.cost < 0) {
    return failure(SUBSIDY_ERROR, 'COST', 'the cost is a whole number of yen, 0 or more');
  }
  const bracket = Number.isInteger(input.readers)
    ? subsidyBracket(input.facilityType, input.readers)
    : undefined;
  if (!bracket) {
    return failure(
      SUBSIDY_ERROR,
      'READERS',
      input.facilityType === 'hospital'
        ? 'a hospital introduces 1 to 3 readers'
        : `a ${input.facilityType} introduces 1 reader`,
    );
  }
  const eligibleCost = Math.min(input.cost, bracket.projectCostCap);
  // eligibleCost ≤ ¥2,101,000, so the product stays far inside exact integer range.
  const raw = Math.floor((eligibleCost * bracket.rate.numerator) / bracket.rate.denominator);
  return {
    ok: true,
    value: { ...bracket, eligibleCost, subsidy: Math.min(raw, bracket.subsidyCap) },
  };
}
