import { institutionCodeFromBody } from '@shikaku/core/institution-code';
import { PREFECTURES, prefectureCode } from './geography.js';
import { TOWNS } from './word-lists.js';
import { ChunkRandom, cumulativeWeights } from './prng.js';

/** Medical institutions and pharmacies, by type, in 2023 national counts (scaled). */
export const FACILITY_TYPES = ['hospital', 'clinic', 'dental', 'pharmacy'] as const;
export type FacilityType = (typeof FACILITY_TYPES)[number];

export const NATIONAL_FACILITIES: Record<FacilityType, number> = {
  hospital: 8_122,
  clinic: 104_894,
  dental: 66_818,
  pharmacy: 62_828,
};

/** 点数表番号 in the institution code: 1 医科, 3 歯科, 4 調剤. */
const SCORE_TABLE: Record<FacilityType, string> = {
  hospital: '1',
  clinic: '1',
  dental: '3',
  pharmacy: '4',
};
const SUFFIX: Record<FacilityType, string> = {
  hospital: '病院',
  clinic: 'クリニック',
  dental: '歯科医院',
  pharmacy: '薬局',
};

export interface SyntheticInstitution {
  index: number;
  institutionCode: string;
  facilityType: FacilityType;
  prefecture: number;
  name: string;
  address: string;
  postNumber: string;
  /** Pharmacies of a group with ≥ 40,000 prescriptions a month (subsidy rule); false otherwise. */
  largeChainPharmacy: boolean;
}

export interface InstitutionOptions {
  seed: number;
  /** Fraction of the national counts (1 = 242,662 facilities); each type gets at least one. */
  scale: number;
}

const PREFECTURE_WEIGHTS = cumulativeWeights(PREFECTURES.map((p) => p.population));

/** Institutions in a fixed order (hospitals, clinics, dental clinics, pharmacies), same seed → same list. */
export function generateInstitutions(options: InstitutionOptions): SyntheticInstitution[] {
  if (!(options.scale > 0 && options.scale <= 1)) throw new RangeError('scale must be in (0, 1]');
  const rnd = new ChunkRandom(options.seed, 0x1457);
  // 7-digit codes are unique per prefecture and 点数表: one counter each.
  const next = new Map<string, number>();
  const out: SyntheticInstitution[] = [];
  for (const type of FACILITY_TYPES) {
    const count = Math.max(1, Math.round(NATIONAL_FACILITIES[type] * options.scale));
    for (let k = 0; k < count; k++) {
      const pref = PREFECTURES[rnd.pick(PREFECTURE_WEIGHTS)]!;
      const key = `${pref.code}:${SCORE_TABLE[type]}`;
      const ordinal = next.get(key) ?? 0;
      next.set(key, ordinal + 1);
      const body = `${prefectureCode(pref.code)}${SCORE_TABLE[type]}${String(ordinal + 1).padStart(6, '0')}`;
      const town = TOWNS[rnd.int(TOWNS.length)]!;
      out.push({
        index: out.length,
        institutionCode: institutionCodeFromBody(body),
        facilityType: type,
        prefecture: pref.code,
        name: `${pref.city}${town}${SUFFIX[type]}${ordinal + 1}`,
        address: `${pref.name}${pref.city}${town}${1 + rnd.int(9)}丁目${1 + rnd.int(30)}番${1 + rnd.int(20)}号`,
        postNumber: `${pref.postPrefix}-${String(rnd.int(10_000)).padStart(4, '0')}`,
        largeChainPharmacy: type === 'pharmacy' && rnd.float() < 0.3,
      });
    }
  }
  return out;
}
