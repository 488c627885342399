import { normalizeKanaForMatching } from '@shikaku/core/kana';
import { myNumberCheckDigit } from '@shikaku/core/my-number';
import { formatBranchNumber } from '@shikaku/core/insured-card';
import { cardDatesFromDays } from './card-dates.js';
import { civilFromDays, daysFromCivil, daysFromIso, isoFromDays } from './days.js';
import { PREFECTURES } from './geography.js';
import { INSURERS, INSURER_TYPES, insurerFor, type InsurerType } from './insurers.js';
import { FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES } from './names.js';
import { ChunkRandom, cumulativeWeights, hash3 } from './prng.js';
import {
  EMAIL_DOMAINS,
  EMAIL_STEMS,
  LANDLINE_PHONE_FORMATS,
  MOBILE_PHONE_FORMATS,
  TOWNS,
} from './word-lists.js';

/**
 * The synthetic national population. Persons are numbered 0…size−1 and generated in chunks of
 * CHUNK_SIZE persons; each chunk draws from its own counter-based stream, so a chunk (or one
 * person) can be produced alone and chunks can be produced in parallel, with the same result as a
 * full sequential run. Households never cross a chunk boundary.
 */
export const CHUNK_SIZE = 4096;
/** A's multiplier keeps A·i + B exact in a double for every index below this. */
export const MAX_POPULATION = 180_000_000;

export type Sex = 1 | 2;
export const INCOME_CLASSES = ['general', 'low', 'active-equivalent', 'above-certain'] as const;
/** 一般 / 低所得 / 現役並み所得 / 一定以上所得 (後期高齢者 2割, from 2022-10-01). */
export type IncomeClass = (typeof INCOME_CLASSES)[number];
export const CARD_STATUSES = ['none', 'valid', 'expired', 'revoked'] as const;
export type CertificateStatus = 'valid' | 'expired' | 'revoked';

export interface PopulationOptions {
  seed: number;
  size: number;
  /** The date the population describes (ages, qualification dates, card take-up), YYYY-MM-DD. */
  asOf: string;
}

export interface MyNumberCard {
  /** 利用者証明用電子証明書 serial (16 hex digits); never derived from the My Number. */
  certificateSerial: string;
  status: CertificateStatus;
  /** 保険証利用登録 done. */
  linkedForInsurance: boolean;
}

export interface SyntheticPerson {
  index: number;
  myNumber: string;
  /** 漢字氏名, family and given name joined by a full-width space. */
  name: string;
  /** カナ氏名 (full-width katakana), the real reading of `name`. */
  nameKana: string;
  sex: Sex;
  birthDate: string;
  address: string;
  postNumber: string;
  /** A mobile number, or the household's fixed line (faker ja formats; synthetic digits). */
  phoneNumber: string;
  /** A free-mail address from 15 years of age, else null (faker ja domains and user names). */
  email: string | null;
  prefecture: number;
  /** Index of the household's first person (the head). */
  householdId: number;
  insurerType: InsurerType;
  insurerNumber: string;
  /** 記号; null on 後期高齢者 cards. */
  insuredCardSymbol: string | null;
  insuredIdentificationNumber: string;
  insuredBranchNumber: string;
  /** 1 本人, 2 家族 */
  personalFamilyClassification: '1' | '2';
  qualificationDate: string;
  /** 被保険者証交付年月日 (syntheticCardDates in card-dates.ts gives the rule). */
  cardIssuedOn: string;
  /** 被保険者証有効開始年月日: the qualification date. */
  cardValidFrom: string;
  /** 被保険者証有効終了年月日; null on cards without an end date. */
  cardValidTo: string | null;
  incomeClass: IncomeClass;
  card: MyNumberCard | null;
}

// ---- tables ---------------------------------------------------------------------------------

/** 2020 census by 5-year age group (10,000s): 0–4 … 100+. */
const AGE_PYRAMID = [
  449, 499, 531, 562, 629, 631, 681, 764, 851, 975, 866, 789, 742, 822, 904, 705, 541, 384, 190, 50,
  8,
];
/** Heads of household: adults, with the 75+ weighted up (they live in small households). */
const HEAD_AGE = cumulativeWeights(AGE_PYRAMID.map((w, i) => (i < 4 ? 0 : i >= 15 ? w * 1.35 : w)));
const HOUSEHOLD_SIZE = cumulativeWeights([34, 31, 17, 12, 6]);
/** Under-75 insurer types (kyokai, kumiai, kokuho, kyosai) in national shares. */
const WORKING_TYPES = [0, 1, 2, 4] as const;
const WORKING_TYPE_WEIGHTS = cumulativeWeights([4044, 2884, 2660, 854]);
const PREFECTURE_WEIGHTS = cumulativeWeights(PREFECTURES.map((p) => p.population));
const KOKI_START = daysFromCivil(2008, 4, 1);
const ABOVE_CERTAIN_FROM = daysFromCivil(2022, 10, 1);
const KOKI = INSURER_TYPES.indexOf('koki');
const KOKUHO = INSURER_TYPES.indexOf('kokuho');

const GIVEN = [MALE_GIVEN_NAMES, FEMALE_GIVEN_NAMES] as const;

/**
 * Canonical kana-name ids: names that the kana check treats as equal (core's
 * normalizeKanaForMatching) share one id, so comparing ids is comparing kana names.
 */
const kanaIds = new Map<string, number>();
const KANA_DICTIONARY: string[] = [];
const KANA_ID_BY_COMBO = GIVEN.map((list) => {
  const table = new Uint32Array(FAMILY_NAMES.length * list.length);
  FAMILY_NAMES.forEach(([, familyKana], f) => {
    list.forEach(([, givenKana], g) => {
      const kana = `${familyKana}\u3000${givenKana}`;
      const key = normalizeKanaForMatching(kana);
      let id = kanaIds.get(key);
      if (id === undefined) {
        id = KANA_DICTIONARY.length;
        kanaIds.set(key, id);
        KANA_DICTIONARY.push(kana);
      }
      table[f * list.length + g] = id;
    });
  });
  return table;
});

export const KANA_NAME_COUNT = KANA_DICTIONARY.length;

/**
 * Voiced ↔ unvoiced pairs (カ↔ガ …, ハ↔バ): the commonest kana slip (ナカシマ / ナガシマ, ヤマサキ /
 * ヤマザキ). Toggling the first such character of a name is an involution and injective, so each
 * name has at most one variant and no two names share one.
 */
const DAKUTEN_PAIRS = new Map<string, string>();
for (const [plain, voiced] of [
  ['カキクケコサシスセソタチツテトハヒフヘホ', 'ガギグゲゴザジズゼゾダヂヅデドバビブベボ'],
] as const) {
  for (let k = 0; k < plain.length; k++) {
    DAKUTEN_PAIRS.set(plain[k]!, voiced[k]!);
    DAKUTEN_PAIRS.set(voiced[k]!, plain[k]!);
  }
}
/** The name with its first voiced/unvoiced kana toggled, or null when it has none. */
export function toggleFirstDakuten(kana: string): string | null {
  for (let k = 0; k < kana.length; k++) {
    const other = DAKUTEN_PAIRS.get(kana[k]!);
    if (other !== undefined) return kana.slice(0, k) + other + kana.slice(k + 1);
  }
  return null;
}

/** The kana name of a canonical kana id (full-width katakana, full-width space). */
export function kanaOfId(id: number): string {
  const kana = KANA_DICTIONARY[id];
  if (kana !== undefined) return kana;
  const base = KANA_DICTIONARY[id - KANA_NAME_COUNT];
  const variant = base === undefined ? null : toggleFirstDakuten(base);
  if (variant === null) throw new RangeError(`no kana id ${id}`);
  return variant;
}
/**
 * The canonical id of a kana name (any width or spacing): a listed name, or the one-kana variant of
 * a listed name (kanaVariantIdOf); undefined otherwise.
 */
export function kanaIdOf(kana: string): number | undefined {
  const key = normalizeKanaForMatching(kana);
  const id = kanaIds.get(key);
  if (id !== undefined) return id;
  const toggled = toggleFirstDakuten(key);
  const base = toggled === null ? undefined : kanaIds.get(toggled);
  return base === undefined ? undefined : KANA_NAME_COUNT + base;
}
/**
 * The id of the name with its first voiced/unvoiced kana toggled (a kana slip or its correction):
 * a listed name's id when the variant is itself listed, else KANA_NAME_COUNT + id. Ids stay
 * canonical (equal ⇔ equal after normalizeKanaForMatching). A name without such a kana has none
 * and gets its own id back.
 */
export function kanaVariantIdOf(id: number): number {
  if (id >= KANA_NAME_COUNT) return id - KANA_NAME_COUNT;
  const variant = toggleFirstDakuten(KANA_DICTIONARY[id]!);
  if (variant === null) return id;
  return kanaIds.get(normalizeKanaForMatching(variant)) ?? KANA_NAME_COUNT + id;
}

// ---- My Number: a bijection index → 11-digit body, so numbers are unique without a set --------

const A = 48_271_327; // coprime to 10, so i ↦ (A·i + B) mod 10^11 is a permutation
const MOD = 100_000_000_000;
const A_INVERSE = (() => {
  // extended Euclid in BigInt (runs once)
  let [r0, r1] = [BigInt(A), BigInt(MOD)];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % BigInt(MOD)) + BigInt(MOD)) % BigInt(MOD);
})();

const offsetCache = { seed: Number.NaN, offset: 0 };
function offsetOf(seed: number): number {
  if (offsetCache.seed === seed) return offsetCache.offset;
  offsetCache.seed = seed;
  offsetCache.offset = computeOffset(seed);
  return offsetCache.offset;
}
function computeOffset(seed: number): number {
  return (hash3(seed, 0xb0d1, 0) % 100_000) * 1_000_000 + (hash3(seed, 0xb0d1, 1) % 1_000_000);
}

/** The 11-digit body of person `index`'s My Number, as a number. */
export function myNumberBody(seed: number, index: number): number {
  return (A * index + offsetOf(seed)) % MOD;
}

/** Person `index`'s My Number as a number (12 digits; fits a double exactly). */
export function myNumberValue(seed: number, index: number): number {
  const body = myNumberBody(seed, index);
  return body * 10 + myNumberCheckDigit(String(body).padStart(11, '0'));
}

export function myNumberOf(seed: number, index: number): string {
  return String(myNumberValue(seed, index)).padStart(12, '0');
}

/**
 * The person index a My Number belongs to under this seed, or −1 when the number is not one of
 * the first `size` persons' (J-LIS lookups in simulations).
 */
export function personIndexOfMyNumber(seed: number, size: number, myNumber: string): number {
  const body = BigInt(myNumber.slice(0, 11));
  const m = BigInt(MOD);
  const index = Number((((((body - BigInt(offsetOf(seed))) % m) + m) % m) * A_INVERSE) % m);
  return index < size && myNumberOf(seed, index) === myNumber ? index : -1;
}

// ---- chunk generation -----------------------------------------------------------------------

/** One chunk as numbers (struct of arrays): what the row API formats and the columnar API copies. */
export class ChunkColumns {
  length = 0;
  /** The as-of date the chunk was generated for (days since 1970-01-01). */
  asOfDays = 0;
  readonly family = new Uint16Array(CHUNK_SIZE);
  readonly given = new Uint16Array(CHUNK_SIZE);
  readonly sex = new Uint8Array(CHUNK_SIZE);
  readonly birthDays = new Int32Array(CHUNK_SIZE);
  readonly prefecture = new Uint8Array(CHUNK_SIZE);
  /** town index · 10^6 + 丁目 · 10^4 + 番 · 100 + 号 */
  readonly addressCode = new Uint32Array(CHUNK_SIZE);
  readonly postSuffix = new Uint16Array(CHUNK_SIZE);
  readonly insurer = new Uint16Array(CHUNK_SIZE);
  /** Offset of the household head within the chunk. */
  readonly head = new Uint16Array(CHUNK_SIZE);
  /** Offset of the household's first member within the chunk (all members share it). */
  readonly household = new Uint16Array(CHUNK_SIZE);
  readonly symbolCode = new Uint32Array(CHUNK_SIZE);
  readonly branch = new Uint8Array(CHUNK_SIZE);
  readonly familyClass = new Uint8Array(CHUNK_SIZE);
  readonly qualificationDays = new Int32Array(CHUNK_SIZE);
  readonly income = new Uint8Array(CHUNK_SIZE);
  /** index into CARD_STATUSES */
  readonly card = new Uint8Array(CHUNK_SIZE);
  readonly linked = new Uint8Array(CHUNK_SIZE);
}

/** Card take-up by year (share of people holding a My Number card; share of holders linked). */
function cardRates(asOfDays: number): [holding: number, linked: number] {
  const year = Number(isoFromDays(asOfDays).slice(0, 4));
  if (year <= 2020) return [0.2, 0.02];
  if (year === 2021) return [0.35, 0.2];
  if (year === 2022) return [0.55, 0.5];
  if (year === 2023) return [0.7, 0.7];
  return [0.75, 0.8];
}

const YEAR = 365.2425;
/**
 * A second or later child is the twin of the child before with this probability (on its own hash
 * stream, so the rest of the population is drawn exactly as before). Multiple births are about 1 in
 * 100 deliveries (人口動態統計); a twin pair is of the same sex about 2 times in 3 (all identical
 * twins, half of the fraternal ones). Twins are what the 2021 kana check is for.
 */
export const TWIN_RATE = 0.02;
const TWIN_SAME_SEX = 0.65;
const TWIN_STREAM = 0x7e1a;

/** Fills `out` with chunk `chunk` of the population (persons chunk·CHUNK_SIZE …). */
export function generateChunk(
  seed: number,
  size: number,
  asOfDays: number,
  chunk: number,
  out: ChunkColumns,
): void {
  const first = chunk * CHUNK_SIZE;
  const n = Math.min(CHUNK_SIZE, size - first);
  out.length = Math.max(0, n);
  out.asOfDays = asOfDays;
  const rnd = new ChunkRandom(seed, chunk + 1);
  const [holding, linkedRate] = cardRates(asOfDays);
  const [asOfY, asOfM, asOfD] = civilFromDays(asOfDays);
  let p = 0;
  while (p < n) {
    const headAge = rnd.pick(HEAD_AGE) * 5 + rnd.int(5);
    const householdType = headAge >= 75 ? KOKI : WORKING_TYPES[rnd.pick(WORKING_TYPE_WEIGHTS)]!;
    const members = Math.min(
      n - p,
      headAge >= 75 ? (rnd.float() < 0.45 ? 2 : 1) : rnd.pick(HOUSEHOLD_SIZE) + 1,
    );
    const prefecture = rnd.pick(PREFECTURE_WEIGHTS) + 1;
    const family = rnd.int(FAMILY_NAMES.length);
    const addressCode =
      rnd.int(TOWNS.length) * 1_000_000 +
      (1 + rnd.int(9)) * 10_000 +
      (1 + rnd.int(30)) * 100 +
      1 +
      rnd.int(20);
    const postSuffix = rnd.int(10_000);
    const symbolCode = rnd.next();
    const employer = rnd.next();
    const headSex = 1 + rnd.int(2);
    const headQualYears = rnd.float() * Math.max(0, Math.min(headAge - 18, 40));
    for (let m = 0; m < members; m++) {
      const i = p + m;
      let age: number;
      let sex: number;
      if (m === 0) {
        age = headAge;
        sex = headSex;
      } else if (m === 1) {
        age = Math.min(104, Math.max(18, headAge + rnd.int(9) - 4));
        sex = 3 - headSex;
      } else {
        age = rnd.int(Math.max(1, Math.min(headAge - 18, 30)));
        sex = 1 + rnd.int(2);
      }
      // Born after the (age+1)-th birthday before asOf and on or before the age-th one.
      const latest = daysFromCivil(asOfY - age, asOfM, asOfD);
      const earliest = daysFromCivil(asOfY - age - 1, asOfM, asOfD) + 1;
      let birthDays = latest - rnd.int(latest - earliest + 1);
      let twin = false;
      if (m >= 3) {
        const h = hash3(seed, TWIN_STREAM, first + i);
        if (h < TWIN_RATE * 0x1_0000_0000) {
          twin = true;
          birthDays = out.birthDays[i - 1]!;
          // The low bits decide the sex (independent enough of the test above for these rates).
          if ((h & 0xffff) < TWIN_SAME_SEX * 0x10000) sex = out.sex[i - 1]!;
        }
      }
      const type = age >= 75 ? KOKI : householdType === KOKI ? KOKUHO : householdType;
      out.family[i] = family;
      const givenCount = GIVEN[sex - 1]!.length;
      let given = rnd.int(givenCount);
      // Parents do not give twins one name (a twin with its sibling's name would be invisible).
      if (twin && sex === out.sex[i - 1] && given === out.given[i - 1])
        given = (given + 1) % givenCount;
      out.given[i] = given;
      out.household[i] = p;
      out.sex[i] = sex;
      out.birthDays[i] = birthDays;
      out.prefecture[i] = prefecture;
      out.addressCode[i] = addressCode;
      out.postSuffix[i] = postSuffix;
      out.insurer[i] = insurerFor(type, prefecture, type === householdType ? employer : rnd.next());
      const ownCard = type !== householdType || type === KOKI;
      out.head[i] = ownCard ? i : p;
      out.symbolCode[i] = symbolCode;
      out.branch[i] = ownCard ? 0 : m;
      out.familyClass[i] = m === 0 || ownCard || type === KOKUHO ? 1 : 2;
      let qualificationDays: number;
      if (type === KOKI) {
        const [by, bm, bd] = civilFromDays(birthDays);
        qualificationDays = Math.max(KOKI_START, daysFromCivil(by + 75, bm, bd));
      } else {
        const years = m === 0 ? headQualYears : rnd.float() * Math.min(age, 30);
        qualificationDays = Math.max(birthDays, asOfDays - Math.floor(years * YEAR));
      }
      out.qualificationDays[i] = Math.min(qualificationDays, asOfDays);
      const u = rnd.float();
      out.income[i] =
        age < 70
          ? u < 0.15
            ? 1
            : 0
          : age < 75
            ? u < 0.13
              ? 1
              : u < 0.2
                ? 2
                : 0
            : u < 0.23
              ? 1
              : u < 0.3
                ? 2
                : u < 0.45 && asOfDays >= ABOVE_CERTAIN_FROM
                  ? 3
                  : 0;
      const c = rnd.float();
      out.card[i] = c < holding ? (c < holding * 0.97 ? 1 : c < holding * 0.99 ? 2 : 3) : 0;
      out.linked[i] = out.card[i] !== 0 && rnd.float() < linkedRate ? 1 : 0;
    }
    p += members;
  }
}

/** The canonical kana-name id of a chunk row. */
export function kanaIdAt(out: ChunkColumns, i: number): number {
  const sex = out.sex[i]!;
  return KANA_ID_BY_COMBO[sex - 1]![out.family[i]! * GIVEN[sex - 1]!.length + out.given[i]!]!;
}

// ---- rows -----------------------------------------------------------------------------------

function hex8(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}

const CONTACT_STREAM = 0xc0de;
/** Share of persons aged 15 or more whose registered number is a mobile. */
const MOBILE_SHARE = 0.7;

/** `format` with every # replaced by a digit drawn from (seed, stream, counter). */
function fillDigits(format: string, seed: number, counter: number): string {
  let out = '';
  let h = hash3(seed, CONTACT_STREAM + 1, counter);
  let left = 9;
  for (let k = 0; k < format.length; k++) {
    const c = format[k]!;
    if (c !== '#') {
      out += c;
      continue;
    }
    if (left === 0) {
      h = hash3(seed, CONTACT_STREAM + 2, counter * 4 + k);
      left = 9;
    }
    // An area code or a mobile prefix never starts 00.
    out += out === '0' ? 1 + (h % 9) : h % 10;
    h = Math.floor(h / 10);
    left--;
  }
  return out;
}

/** Phone and e-mail of person `index` (children share the household's fixed line). */
function contactOf(
  seed: number,
  index: number,
  householdIndex: number,
  age: number,
): { phoneNumber: string; email: string | null } {
  const h = hash3(seed, CONTACT_STREAM, index);
  const mobile = age >= 15 && h / 0x1_0000_0000 < MOBILE_SHARE;
  const owner = mobile ? index : householdIndex;
  const formats = mobile ? MOBILE_PHONE_FORMATS : LANDLINE_PHONE_FORMATS;
  const hOwner = mobile ? h : hash3(seed, CONTACT_STREAM, owner);
  const phoneNumber = fillDigits(formats[(hOwner >>> 8) % formats.length]!, seed, owner);
  const email =
    age < 15
      ? null
      : `${EMAIL_STEMS[(h >>> 4) % EMAIL_STEMS.length]}${index.toString(36)}@${EMAIL_DOMAINS[(h >>> 14) % EMAIL_DOMAINS.length]}`;
  return { phoneNumber, email };
}

/** Formats row `i` of a generated chunk as a person. */
export function personFromChunk(
  seed: number,
  chunk: number,
  out: ChunkColumns,
  i: number,
): SyntheticPerson {
  const index = chunk * CHUNK_SIZE + i;
  const sex = out.sex[i]! as Sex;
  const [familyKanji, familyKana] = FAMILY_NAMES[out.family[i]!]!;
  const [givenKanji, givenKana] = GIVEN[sex - 1]![out.given[i]!]!;
  const pref = PREFECTURES[out.prefecture[i]! - 1]!;
  const a = out.addressCode[i]!;
  const insurer = INSURERS[out.insurer[i]!]!;
  const headIndex = chunk * CHUNK_SIZE + out.head[i]!;
  const cardStatus = out.card[i]!;
  const contact = contactOf(
    seed,
    index,
    chunk * CHUNK_SIZE + out.household[i]!,
    Math.floor((out.asOfDays - out.birthDays[i]!) / YEAR),
  );
  let symbol: string | null;
  let number: string;
  switch (insurer.type) {
    case 'koki':
      symbol = null;
      number = String(10_000_000 + (index % 90_000_000));
      break;
    case 'kokuho':
      symbol = `${pref.code}-${(out.symbolCode[i]! % 90) + 10}`;
      number = String(headIndex + 1);
      break;
    case 'kyokai':
      symbol = String(10_000_000 + (out.symbolCode[i]! % 90_000_000));
      number = String(headIndex + 1);
      break;
    default:
      symbol = String(1 + (out.symbolCode[i]! % 9999));
      number = String(headIndex + 1);
  }
  return {
    index,
    myNumber: myNumberOf(seed, index),
    name: `${familyKanji}\u3000${givenKanji}`,
    nameKana: `${familyKana}\u3000${givenKana}`,
    sex,
    birthDate: isoFromDays(out.birthDays[i]!),
    address: `${pref.name}${pref.city}${TOWNS[Math.floor(a / 1_000_000)]}${Math.floor(a / 10_000) % 100}丁目${Math.floor(a / 100) % 100}番${a % 100}号`,
    postNumber: `${pref.postPrefix}-${String(out.postSuffix[i]!).padStart(4, '0')}`,
    phoneNumber: contact.phoneNumber,
    email: contact.email,
    prefecture: pref.code,
    householdId: headIndex,
    insurerType: insurer.type,
    insurerNumber: insurer.insurerNumber,
    insuredCardSymbol: symbol,
    insuredIdentificationNumber: number,
    insuredBranchNumber: formatBranchNumber(out.branch[i]!),
    personalFamilyClassification: out.familyClass[i] === 2 ? '2' : '1',
    qualificationDate: isoFromDays(out.qualificationDays[i]!),
    ...cardDatesFromDays(
      seed,
      index,
      insurer.insurerNumber,
      out.qualificationDays[i]!,
      out.asOfDays,
    ),
    incomeClass: INCOME_CLASSES[out.income[i]!]!,
    card:
      cardStatus === 0
        ? null
        : {
            certificateSerial: `${hex8(hash3(seed, 0xce47, index))}${hex8(index)}`,
            status: CARD_STATUSES[cardStatus] as CertificateStatus,
            linkedForInsurance: out.linked[i] === 1,
          },
  };
}

function checkOptions(options: PopulationOptions): number {
  const { seed, size, asOf } = options;
  if (!Number.isSafeInteger(seed)) throw new RangeError('seed must be an integer');
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_POPULATION) {
    throw new RangeError(`size must be 0…${MAX_POPULATION}`);
  }
  const asOfDays = daysFromIso(asOf);
  if (Number.isNaN(asOfDays)) throw new RangeError(`asOf must be YYYY-MM-DD, got ${asOf}`);
  return asOfDays;
}

/** Persons `from` ≤ index < `to` (default: all), in index order. */
export function* generatePopulation(
  options: PopulationOptions & { from?: number; to?: number },
): Generator<SyntheticPerson> {
  const asOfDays = checkOptions(options);
  const { seed, size } = options;
  const from = Math.max(0, options.from ?? 0);
  const to = Math.min(size, options.to ?? size);
  const out = new ChunkColumns();
  for (let chunk = Math.floor(from / CHUNK_SIZE); chunk * CHUNK_SIZE < to; chunk++) {
    generateChunk(seed, size, asOfDays, chunk, out);
    const start = Math.max(0, from - chunk * CHUNK_SIZE);
    const end = Math.min(out.length, to - chunk * CHUNK_SIZE);
    for (let i = start; i < end; i++) yield personFromChunk(seed, chunk, out, i);
  }
}

/** One person by index (generates its chunk). */
export function personAt(options: PopulationOptions, index: number): SyntheticPerson {
  const asOfDays = checkOptions(options);
  if (!Number.isSafeInteger(index) || index < 0 || index >= options.size) {
    throw new RangeError(`index must be 0…${options.size - 1}`);
  }
  const chunk = Math.floor(index / CHUNK_SIZE);
  const out = new ChunkColumns();
  generateChunk(options.seed, options.size, asOfDays, chunk, out);
  return personFromChunk(options.seed, chunk, out, index - chunk * CHUNK_SIZE);
}
