import { insurerNumberFromBody } from '@shikaku/core/insurer-number';
import { PREFECTURES, prefectureCode } from './geography.js';

/**
 * The insurer landscape: 協会けんぽ (one branch per prefecture), 組合健保, 市町村国保, 後期高齢者医療
 * 広域連合 (one per prefecture) and 共済 (national, local, police, school per prefecture) — about
 * 3,400 insurers as in the real system, each with a valid insurer number.
 */
export const INSURER_TYPES = ['kyokai', 'kumiai', 'kokuho', 'koki', 'kyosai'] as const;
export type InsurerType = (typeof INSURER_TYPES)[number];

export const INSURER_TYPE_NAMES: Record<InsurerType, string> = {
  kyokai: '協会けんぽ',
  kumiai: '組合健保',
  kokuho: '市町村国保',
  koki: '後期高齢者医療',
  kyosai: '共済組合',
};

/** Insured persons by type, 2020 (10,000s): the shares the population reproduces. */
export const NATIONAL_INSURED: Record<InsurerType, number> = {
  kyokai: 4044,
  kumiai: 2884,
  kokuho: 2660,
  koki: 1803,
  kyosai: 854,
};

export interface Insurer {
  /** Position in INSURERS. */
  id: number;
  type: InsurerType;
  prefecture: number;
  insurerNumber: string;
  name: string;
}

const KUMIAI_TOTAL = 1380;
const KOKUHO_TOTAL = 1716;
const KYOSAI_HOUBETSU = ['31', '32', '33', '34'] as const;
const TOTAL_POPULATION = PREFECTURES.reduce((s, p) => s + p.population, 0);

function build(): { insurers: Insurer[]; ranges: Int32Array } {
  const insurers: Insurer[] = [];
  // ranges[(type * 47 + pref - 1) * 2] = first id, [+1] = count
  const ranges = new Int32Array(INSURER_TYPES.length * 47 * 2);
  const add = (type: InsurerType, prefecture: number, body: string, name: string): void => {
    insurers.push({
      id: insurers.length,
      type,
      prefecture,
      insurerNumber: insurerNumberFromBody(body),
      name,
    });
  };
  INSURER_TYPES.forEach((type, t) => {
    for (const pref of PREFECTURES) {
      const pp = prefectureCode(pref.code);
      const first = insurers.length;
      const share = pref.population / TOTAL_POPULATION;
      switch (type) {
        case 'kyokai':
          add(type, pref.code, `01${pp}001`, `全国健康保険協会 ${pref.name}支部`);
          break;
        case 'kumiai': {
          const n = Math.max(1, Math.round(KUMIAI_TOTAL * share));
          for (let k = 0; k < n; k++) {
            add(
              type,
              pref.code,
              `06${pp}${String(100 + k).padStart(3, '0')}`,
              `${pref.city}健康保険組合${k + 1}`,
            );
          }
          break;
        }
        case 'kokuho': {
          const n = Math.max(5, Math.round(KOKUHO_TOTAL * share));
          for (let k = 0; k < n; k++) {
            add(
              type,
              pref.code,
              `${pp}${String(1 + k).padStart(3, '0')}`,
              `${pref.name}国民健康保険${k + 1}`,
            );
          }
          break;
        }
        case 'koki':
          add(type, pref.code, `39${pp}100`, `${pref.name}後期高齢者医療広域連合`);
          break;
        case 'kyosai':
          for (const hb of KYOSAI_HOUBETSU)
            add(type, pref.code, `${hb}${pp}001`, `${pref.name}共済組合${hb}`);
          break;
      }
      const at = (t * 47 + pref.code - 1) * 2;
      ranges[at] = first;
      ranges[at + 1] = insurers.length - first;
    }
  });
  return { insurers, ranges };
}

const built = build();
export const INSURERS: readonly Insurer[] = built.insurers;

/** The insurer of a type in a prefecture, chosen by a 32-bit hash. */
export function insurerFor(typeIndex: number, prefecture: number, hash: number): number {
  const at = (typeIndex * 47 + prefecture - 1) * 2;
  const first = built.ranges[at]!;
  const count = built.ranges[at + 1]!;
  return first + (hash % count);
}
