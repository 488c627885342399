import { INSURER_TYPES, type InsurerType } from './insurers.js';

/**
 * The error and change model of incoming registrations: how often a registration is wrong and how,
 * and how often a right one differs from what is stored or from J-LIS for a legitimate reason.
 * Every rate has a default with its source or reasoning in docs/decisions.md ("The error and
 * change model"); every rate can be set from a JSON model file or `--rate path=value`.
 */

/** Legitimate differences of a right registration (bit i of IncomingColumns.changes). */
export const CHANGES = [
  'marriage',
  'divorce',
  'kana-correction',
  'birth-date-correction',
  'kanji-variant',
  'address-notation',
  'address-moved',
  'kana-half-width',
] as const;
export type Change = (typeof CHANGES)[number];

export const CHANGE_DESCRIPTIONS: Record<Change, string> = {
  marriage:
    'married since the stored registration: new family name and kana (J-LIS has the new name)',
  divorce: 'divorced and back to the former family name (J-LIS has it)',
  'kana-correction':
    'the stored kana had a voiced/unvoiced slip (ナカシマ / ナガシマ); this registration has it right',
  'birth-date-correction':
    'the stored birth date was wrong; this registration has the one J-LIS holds',
  'kanji-variant':
    '漢字氏名 typed in the common form where J-LIS holds 旧字体 / 異体字 (髙, 﨑, 邊)',
  'address-notation': 'the same address written differently (1-2-3 for 1丁目2番3号)',
  'address-moved': 'moved; the insurer still has the old address',
  'kana-half-width': 'kana typed half-width (ｻﾄｳ ﾀﾛｳ): the same name after normalisation',
};

/** How a registration is wrong (IncomingColumns.mechanism = index + 1; 0 = right). */
export const MECHANISMS = [
  'typo',
  'family-number',
  'four-fact-lookup',
  'swapped-in-upload',
  'birth-date-typo',
] as const;
export type Mechanism = (typeof MECHANISMS)[number];

export const MECHANISM_DESCRIPTIONS: Record<Mechanism, string> = {
  typo: 'a mistyped digit (or two swapped digits) that still passes the check digit: mostly an unassigned number, sometimes a real person',
  'family-number':
    "a family member's number (same household: another birth date, or a twin with the same one)",
  'four-fact-lookup':
    'the number of a namesake found by a J-LIS lookup on kana, birth date and sex without the address (the 2023 cases)',
  'swapped-in-upload': 'the numbers of two members of one upload swapped',
  'birth-date-typo': 'the right number with a mistyped birth date',
};

export interface InsurerRates {
  /** Share of registrations whose number has no history (newborns, new residents, first filing). */
  noHistory: number;
  /** Probability that a registration is wrong (any mechanism). */
  error: number;
  /** Name change by marriage since the stored registration, per registration of a woman aged 20–49. */
  marriage: number;
  /** Back to the former name after a divorce, per registration of a woman aged 30–59. */
  divorce: number;
  /** The stored kana is corrected, per registration with history. */
  kanaCorrection: number;
  /** The stored birth date is corrected, per registration with history. */
  birthDateCorrection: number;
  /** 漢字氏名 differs from J-LIS by 旧字体 / 異体字, per registration. */
  kanjiVariant: number;
  /** Address written differently from J-LIS, per registration. */
  addressNotation: number;
  /** Address not updated after a move, per registration. */
  addressMoved: number;
  /** Kana typed half-width, per registration. */
  kanaHalfWidth: number;
}
export type RateName = keyof InsurerRates;
export const RATE_NAMES = [
  'noHistory',
  'error',
  'marriage',
  'divorce',
  'kanaCorrection',
  'birthDateCorrection',
  'kanjiVariant',
  'addressNotation',
  'addressMoved',
  'kanaHalfWidth',
] as const satisfies readonly RateName[];

export interface ErrorModel {
  byInsurerType: Record<InsurerType, InsurerRates>;
  /** Shares of the mechanisms among wrong registrations (normalised to sum 1). */
  mechanisms: Record<Mechanism, number>;
  /** Chance that a check-digit-valid mistyped number is assigned to somebody (then: a registered person). */
  typoHitsPerson: number;
  /** A man's name-change rate at marriage or divorce relative to a woman's (夫の氏 94.7%). */
  maleNameChangeRatio: number;
}

// ---- defaults (docs/decisions.md gives each one's source) -----------------------------------

const EMPLOYEES: InsurerRates = {
  noHistory: 0.1,
  error: 4e-4,
  marriage: 0.1,
  divorce: 0.03,
  kanaCorrection: 0.003,
  birthDateCorrection: 2e-5,
  kanjiVariant: 0.02,
  addressNotation: 0.006,
  addressMoved: 0.005,
  kanaHalfWidth: 0.05,
};
/** 国保 and 後期高齢 take names, birth dates and addresses from the municipality's resident records. */
const RESIDENT_BASED: InsurerRates = {
  ...EMPLOYEES,
  error: 5e-5,
  kanaCorrection: 0.001,
  kanjiVariant: 0.01,
  addressNotation: 0.002,
  addressMoved: 0.001,
  kanaHalfWidth: 0.01,
};

export const DEFAULT_ERROR_MODEL: ErrorModel = {
  byInsurerType: {
    kyokai: { ...EMPLOYEES },
    kumiai: { ...EMPLOYEES, error: 5e-4 },
    kokuho: { ...RESIDENT_BASED, noHistory: 0.12 },
    koki: { ...RESIDENT_BASED, noHistory: 0.01 },
    kyosai: { ...EMPLOYEES, error: 5e-4 },
  },
  mechanisms: {
    typo: 0.35,
    'family-number': 0.15,
    'four-fact-lookup': 0.25,
    'swapped-in-upload': 0.05,
    'birth-date-typo': 0.2,
  },
  typoHitsPerson: 0.0014,
  maleNameChangeRatio: 0.056,
};

// ---- reading, merging, checking -------------------------------------------------------------

export class ErrorModelError extends Error {}

export const INSURER_TYPES_FOR_RATES = INSURER_TYPES;

function probability(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new ErrorModelError(`${path} must be a number from 0 to 1, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function cloneErrorModel(model: ErrorModel): ErrorModel {
  return structuredClone(model);
}

/**
 * Sets one rate: `error` (every insurer type), `kokuho.error` (one type), `mechanisms.typo`,
 * `typoHitsPerson`, `maleNameChangeRatio`. Returns the model (changed in place).
 */
export function setRate(model: ErrorModel, path: string, value: number): ErrorModel {
  const parts = path.split('.');
  if (parts.length === 1 && (path === 'typoHitsPerson' || path === 'maleNameChangeRatio')) {
    model[path] = probability(path, value);
  } else if (parts.length === 1 && (RATE_NAMES as readonly string[]).includes(path)) {
    for (const type of INSURER_TYPES)
      model.byInsurerType[type][path as RateName] = probability(path, value);
  } else if (
    parts.length === 2 &&
    (INSURER_TYPES as readonly string[]).includes(parts[0]!) &&
    (RATE_NAMES as readonly string[]).includes(parts[1]!)
  ) {
    model.byInsurerType[parts[0] as InsurerType][parts[1] as RateName] = probability(path, value);
  } else if (
    parts.length === 2 &&
    parts[0] === 'mechanisms' &&
    (MECHANISMS as readonly string[]).includes(parts[1]!)
  ) {
    model.mechanisms[parts[1] as Mechanism] = probability(path, value);
  } else {
    throw new ErrorModelError(
      `unknown rate ${path}: use RATE, TYPE.RATE (TYPE one of ${INSURER_TYPES.join(', ')}; RATE one of ${RATE_NAMES.join(', ')}), mechanisms.MECHANISM (${MECHANISMS.join(', ')}), typoHitsPerson or maleNameChangeRatio`,
    );
  }
  return model;
}

/**
 * A model file (JSON): any part of ErrorModel, e.g. `{"byInsurerType": {"kokuho": {"error": 1e-4}},
 * "mechanisms": {"typo": 0.5}}`, laid over `base`. Unknown keys are refused.
 */
export function mergeErrorModel(base: ErrorModel, partial: unknown): ErrorModel {
  const model = cloneErrorModel(base);
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
    throw new ErrorModelError('the model file must hold a JSON object');
  }
  for (const [key, value] of Object.entries(partial)) {
    if (key === 'byInsurerType' || key === 'mechanisms') {
      if (typeof value !== 'object' || value === null) {
        throw new ErrorModelError(`${key} must be an object`);
      }
      for (const [inner, v] of Object.entries(value)) {
        if (key === 'mechanisms') setRate(model, `mechanisms.${inner}`, v as number);
        else {
          if (typeof v !== 'object' || v === null) {
            throw new ErrorModelError(`byInsurerType.${inner} must be an object`);
          }
          for (const [rate, x] of Object.entries(v))
            setRate(model, `${inner}.${rate}`, x as number);
        }
      }
    } else if (key === 'typoHitsPerson' || key === 'maleNameChangeRatio') {
      setRate(model, key, value as number);
    } else if (key !== '$comment') {
      throw new ErrorModelError(`unknown key ${key} in the model file`);
    }
  }
  return checkErrorModel(model);
}

/** Throws ErrorModelError unless every rate is a probability and the mechanism shares sum above 0. */
export function checkErrorModel(model: ErrorModel): ErrorModel {
  for (const type of INSURER_TYPES) {
    for (const rate of RATE_NAMES) probability(`${type}.${rate}`, model.byInsurerType[type][rate]);
  }
  let sum = 0;
  for (const m of MECHANISMS) sum += probability(`mechanisms.${m}`, model.mechanisms[m]);
  if (sum <= 0) throw new ErrorModelError('the mechanism shares must not all be 0');
  probability('typoHitsPerson', model.typoHitsPerson);
  probability('maleNameChangeRatio', model.maleNameChangeRatio);
  return model;
}

/** Mechanism shares normalised to sum 1, in MECHANISMS order. */
export function mechanismShares(model: ErrorModel): number[] {
  const raw = MECHANISMS.map((m) => model.mechanisms[m]);
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((x) => x / sum);
}
