/**
 * Facility types of 医療機関・薬局 as the portal, reader quota and subsidy rules distinguish them.
 * A dental clinic is a clinic (診療所) for readers and subsidies; a large-chain pharmacy is a
 * pharmacy whose group dispenses ≥ 40,000 prescriptions a month (大型チェーン薬局).
 */
export const FACILITY_TYPES = [
  'hospital',
  'clinic',
  'dental-clinic',
  'pharmacy',
  'large-chain-pharmacy',
] as const;
export type FacilityType = (typeof FACILITY_TYPES)[number];

export const FACILITY_LABELS: Record<FacilityType, string> = {
  hospital: '病院',
  clinic: '診療所（医科）',
  'dental-clinic': '歯科診療所',
  pharmacy: '薬局',
  'large-chain-pharmacy': '大型チェーン薬局',
};

/** 点数表 of each facility type's institution code (1 医科, 3 歯科, 4 調剤). */
export const FACILITY_SCORE_TABLE: Record<FacilityType, '1' | '3' | '4'> = {
  hospital: '1',
  clinic: '1',
  'dental-clinic': '3',
  pharmacy: '4',
  'large-chain-pharmacy': '4',
};

export function isFacilityType(s: string): s is FacilityType {
  return (FACILITY_TYPES as readonly string[]).includes(s);
}

/** Institutions by type, 2023 (DESIGN.md national figures), for synthetic data and simulations. */
export const NATIONAL_FACILITY_COUNTS = {
  hospital: 8_122,
  clinic: 104_894,
  'dental-clinic': 66_818,
  pharmacy: 62_828,
} as const;
