import { toHalfWidthKana } from '@shikaku/core/kana';
import { isValidMyNumber } from '@shikaku/core/my-number';
import type { MemberColumns } from './columnar.js';
import { daysFromIso, isoFromDays } from './days.js';
import {
  CHANGES,
  checkErrorModel,
  DEFAULT_ERROR_MODEL,
  MECHANISMS,
  mechanismShares,
  type Change,
  type ErrorModel,
  type Mechanism,
} from './error-model.js';
import { INSURERS, INSURER_TYPES } from './insurers.js';
import { FAMILY_NAMES } from './names.js';
import {
  CHUNK_SIZE,
  ChunkColumns,
  generateChunk,
  kanaIdAt,
  kanaIdOf,
  kanaOfId,
  kanaVariantIdOf,
  MAX_POPULATION,
  myNumberValue,
  personFromChunk,
  personIndexOfMyNumber,
  type SyntheticPerson,
} from './population.js';
import { hash3, unit } from './prng.js';

/**
 * Incoming registrations (a bulk file from insurers) drawn from the error and change model
 * (error-model.ts), with their ground truth. The population has `existing + incoming` persons:
 * persons [0, existing) are registered in the intermediate server (their stored registration is
 * their population record); the rest are J-LIS residents with no history there.
 *
 * Each row: the registering insurer's type comes from a registered person's (so the types come in
 * national shares); with that type's `noHistory` rate the row is a new member (a resident with no
 * history), else a registered person registered again. Legitimate changes are drawn on their own,
 * each at its rate, whatever else happens to the row; then, at the type's `error` rate, one error
 * mechanism. Facts follow from the mechanism (whose number, whose birth date), never from the rule
 * that should catch it: which rule fires, if any, is for the simulation to find out.
 */

export interface IncomingOptions {
  seed: number;
  /** Registered persons (the intermediate server's history). */
  existing: number;
  /** Rows in the bulk file. */
  incoming: number;
  asOf: string;
  /** The error and change model (default DEFAULT_ERROR_MODEL). */
  model?: ErrorModel;
}

/** Persons the population must hold for these options (registered + J-LIS-only residents). */
export function populationSizeFor(options: IncomingOptions): number {
  const size = options.existing + options.incoming;
  if (size > MAX_POPULATION)
    throw new RangeError(`existing + incoming must be ≤ ${MAX_POPULATION}`);
  return size;
}

/** What the generator reads of the population (columns, or chunks generated on demand). */
export interface PopulationView {
  myNumber(i: number): number;
  birthDays(i: number): number;
  kanaId(i: number): number;
  sex(i: number): number;
  insurer(i: number): number;
  household(i: number): number;
}

export function columnsView(population: MemberColumns): PopulationView {
  return {
    myNumber: (i) => population.myNumber[i]!,
    birthDays: (i) => population.birthDays[i]!,
    kanaId: (i) => population.kanaId[i]!,
    sex: (i) => population.sex[i]!,
    insurer: (i) => population.insurer[i]!,
    household: (i) => population.household[i]!,
  };
}

/** Bit of a change in IncomingColumns.changes. */
export const CHANGE_BIT = Object.fromEntries(CHANGES.map((c, i) => [c, 1 << i])) as Record<
  Change,
  number
>;
/** IncomingColumns.mechanism of a mechanism (0 = a right registration). */
export const MECHANISM_CODE = Object.fromEntries(MECHANISMS.map((m, i) => [m, i + 1])) as Record<
  Mechanism,
  number
>;
/** The changes of a bit set, in CHANGES order. */
export function changesOf(bits: number): Change[] {
  return CHANGES.filter((_, i) => (bits & (1 << i)) !== 0);
}

/** IncomingColumns.addressForm: how the registered address relates to J-LIS's for the number. */
export const ADDRESS_FORMS = ['same', 'notation', 'stale', 'other-household'] as const;

const STREAM = 0x1c0e;
const PAIR_STREAM = 0x1c0f;
const TYPO_STREAM = 0x1c10;
const DRAWS = 16;
const SHIFTS = [1, -1, 10, -10, 30, -30, 365, -365, 3652, -3652] as const;
/** Namesakes found by a kana + birth date + sex lookup often write the name in other kanji. */
const FOUR_FACT_OTHER_KANJI = 0.5;
const YEAR = 365.2425;
const TYPE_OF_INSURER = Uint8Array.from(INSURERS, (i) => INSURER_TYPES.indexOf(i.type));
const { typo: TYPO, 'family-number': FAMILY, 'four-fact-lookup': FOUR_FACT } = MECHANISM_CODE;
const { 'swapped-in-upload': SWAP, 'birth-date-typo': BIRTH_TYPO } = MECHANISM_CODE;
const BIT = CHANGE_BIT;

/** Everything about row j, from hashes and the population (columns and rows agree on it). */
export interface IncomingSpec {
  /** Index into INSURER_TYPES of the registering insurer. */
  insurerType: number;
  /** The subject has a stored registration. */
  history: boolean;
  /** The person being registered. */
  subject: number;
  /** The person the registered My Number belongs to; −1 for an unassigned number. */
  owner: number;
  myNumber: number;
  /** The person whose kana, birth date and sex are registered (a namesake for four-fact lookups). */
  factsOf: number;
  /** 0, or MECHANISM_CODE of the error. */
  mechanism: number;
  /** CHANGE_BIT set. */
  changes: number;
  birthDays: number;
  kanaId: number;
  sex: number;
  /** 1 when the 漢字氏名 differs from J-LIS's for the number (same reading). */
  nameForm: number;
  /** Index into ADDRESS_FORMS. */
  addressForm: number;
  /** J-LIS's kana and birth date for the number's owner (its current, true record). */
  jlisKanaId: number;
  jlisBirthDays: number;
  /** FAMILY_NAMES index of the new family name (marriage, divorce), else −1. */
  newFamily: number;
}

interface Base {
  type: number;
  history: boolean;
  subject: number;
}

/** What every row needs from the options, worked out once. */
interface Context {
  model: ErrorModel;
  shares: number[];
  asOfDays: number;
  noHistory: Float64Array;
  rates: ErrorModel['byInsurerType'][keyof ErrorModel['byInsurerType']][];
}
const contexts = new WeakMap<IncomingOptions, Context>();
function contextOf(options: IncomingOptions): Context {
  let ctx = contexts.get(options);
  if (ctx === undefined) {
    const model = options.model ?? DEFAULT_ERROR_MODEL;
    const rates = INSURER_TYPES.map((t) => model.byInsurerType[t]);
    ctx = {
      model,
      shares: mechanismShares(model),
      asOfDays: daysFromIso(options.asOf),
      noHistory: Float64Array.from(rates, (r) => r.noHistory),
      rates,
    };
    contexts.set(options, ctx);
  }
  return ctx;
}

function baseOf(
  options: IncomingOptions,
  ctx: Context,
  view: PopulationView,
  j: number,
  out: Base,
): Base {
  const { seed, existing: n, incoming: m } = options;
  const candidate =
    n > 0
      ? Math.min(n - 1, Math.floor(((j + unit(hash3(seed, STREAM, j * DRAWS + 1))) * n) / m))
      : n + j;
  out.type = TYPE_OF_INSURER[view.insurer(candidate)]!;
  out.history = n > 0 && unit(hash3(seed, STREAM, j * DRAWS)) >= ctx.noHistory[out.type]!;
  out.subject = out.history ? candidate : n + j;
  return out;
}

/**
 * A check-digit-valid number a slip away from `value`. One changed digit or two swapped neighbours
 * pass the check digit only when the weighted sum of the old and the new number leave 0 and 1 mod
 * 11 (both give check digit 0), so most numbers have no such one-slip neighbour; those get two
 * changed digits instead (about 1 in 11 pairs pass).
 */
export function mistypedNumber(seed: number, j: number, value: number): string {
  const digits = String(value).padStart(12, '0');
  const single: string[] = [];
  for (let p = 0; p < 12; p++) {
    for (let d = 0; d < 10; d++) {
      const c = digits.slice(0, p) + d + digits.slice(p + 1);
      if (c !== digits && isValidMyNumber(c)) single.push(c);
    }
    if (p < 11) {
      const c = digits.slice(0, p) + digits[p + 1] + digits[p] + digits.slice(p + 2);
      if (c !== digits && isValidMyNumber(c)) single.push(c);
    }
  }
  if (single.length > 0) return single[hash3(seed, TYPO_STREAM, j * 1024) % single.length]!;
  for (let k = 1; ; k++) {
    const x = hash3(seed, TYPO_STREAM, j * 1024 + k);
    const y = hash3(seed, TYPO_STREAM + 1, j * 1024 + k);
    const p = x % 11;
    const q = (p + 1 + (y % 10)) % 11;
    const chars = [...digits];
    chars[p] = String((Number(chars[p]) + 1 + ((x >>> 8) % 9)) % 10);
    chars[q] = String((Number(chars[q]) + 1 + ((y >>> 8) % 9)) % 10);
    const c = chars.join('');
    if (c !== digits && isValidMyNumber(c)) return c;
  }
}

const BASE = {} as Base;
const OTHER = {} as Base;
const sameHousehold = (view: PopulationView, a: number, b: number) =>
  Math.floor(a / CHUNK_SIZE) === Math.floor(b / CHUNK_SIZE) &&
  view.household(a) === view.household(b);

export function incomingSpec(
  options: IncomingOptions,
  view: PopulationView,
  j: number,
  out: IncomingSpec,
): IncomingSpec {
  const ctx = contextOf(options);
  const { model, shares } = ctx;
  const { seed, existing: n, incoming: m } = options;
  const size = n + m;
  const draw = (k: number) => unit(hash3(seed, STREAM, j * DRAWS + k));
  const base = baseOf(options, ctx, view, j, BASE);
  const rates = ctx.rates[base.type]!;
  const subject = base.subject;

  // ---- the error mechanism
  let mechanism = 0;
  let owner = subject;
  let myNumber = view.myNumber(subject);
  const partner = j ^ 1;
  if (partner < m) {
    const pairDraw = unit(hash3(seed, PAIR_STREAM, j >>> 1));
    const leaderType = j % 2 === 0 ? base.type : baseOf(options, ctx, view, partner, OTHER).type;
    if (pairDraw < ctx.rates[leaderType]!.error * shares[SWAP - 1]!) {
      const other = baseOf(options, ctx, view, partner, OTHER).subject;
      if (other !== subject) {
        mechanism = SWAP;
        owner = other;
      }
    }
  }
  if (mechanism === 0) {
    const others = rates.error * (1 - shares[SWAP - 1]!);
    const u = draw(2);
    if (u < others) {
      let v = (u / others) * (1 - shares[SWAP - 1]!);
      mechanism = 1;
      for (let k = 0; k < MECHANISMS.length; k++) {
        if (k === SWAP - 1) continue;
        mechanism = k + 1;
        v -= shares[k]!;
        if (v < 0) break;
      }
    }
  }
  if (mechanism === FAMILY) {
    const first = Math.floor(subject / CHUNK_SIZE) * CHUNK_SIZE + view.household(subject);
    const members: number[] = [];
    for (let k = first; k < size && sameHousehold(view, k, subject); k++)
      if (k !== subject) members.push(k);
    if (members.length > 0) owner = members[hash3(seed, STREAM, j * DRAWS + 3) % members.length]!;
    else mechanism = TYPO; // lives alone: the slip is a mistyped number instead
  }
  if (mechanism === TYPO) {
    if (n > 0 && draw(4) < model.typoHitsPerson) {
      owner = Math.floor(draw(3) * n);
      if (owner === subject) owner = (owner + 1) % n;
    } else {
      const typed = mistypedNumber(seed, j, view.myNumber(subject));
      owner = personIndexOfMyNumber(seed, size, typed); // −1 unless it happens to be someone's
      myNumber = Number(typed);
    }
  } else if (mechanism === FOUR_FACT) {
    owner = Math.floor(draw(3) * size);
    if (owner === subject) owner = (owner + 1) % size;
  }
  if (owner >= 0 && owner !== subject) myNumber = view.myNumber(owner);
  const factsOf = mechanism === FOUR_FACT ? owner : subject;

  // ---- legitimate changes (each on its own draw)
  let changes = 0;
  const sex = view.sex(factsOf);
  const age = (ctx.asOfDays - view.birthDays(subject)) / YEAR;
  if (base.history && mechanism !== FOUR_FACT) {
    const nameChange = view.sex(subject) === 2 ? 1 : model.maleNameChangeRatio;
    if (age >= 20 && age < 50 && draw(6) < rates.marriage * nameChange) changes |= BIT.marriage;
    else if (age >= 30 && age < 60 && draw(7) < rates.divorce * nameChange) changes |= BIT.divorce;
    if (draw(8) < rates.kanaCorrection) changes |= BIT['kana-correction'];
    if (draw(9) < rates.birthDateCorrection) changes |= BIT['birth-date-correction'];
  }
  if (draw(10) < rates.kanjiVariant) changes |= BIT['kanji-variant'];
  if (draw(11) < rates.addressNotation) changes |= BIT['address-notation'];
  if (draw(12) < rates.addressMoved) changes |= BIT['address-moved'];
  if (draw(13) < rates.kanaHalfWidth) changes |= BIT['kana-half-width'];

  let kanaId = view.kanaId(factsOf);
  let newFamily = -1;
  if (changes & (BIT.marriage | BIT.divorce)) {
    const [familyKana, givenKana] = kanaOfId(kanaId).split('\u3000') as [string, string];
    newFamily = hash3(seed, STREAM, j * DRAWS + 14) % FAMILY_NAMES.length;
    if (FAMILY_NAMES[newFamily]![1] === familyKana)
      newFamily = (newFamily + 1) % FAMILY_NAMES.length;
    kanaId = kanaIdOf(`${FAMILY_NAMES[newFamily]![1]}\u3000${givenKana}`)!;
  }
  if (changes & BIT['kana-correction']) {
    const corrected = kanaVariantIdOf(kanaId);
    if (corrected === kanaId) changes &= ~BIT['kana-correction']; // no voiced kana to slip on
    kanaId = corrected;
  }
  const shift = (k: number) => SHIFTS[hash3(seed, STREAM, j * DRAWS + k) % SHIFTS.length]!;
  let birthDays = view.birthDays(factsOf);
  if (changes & BIT['birth-date-correction']) birthDays += shift(5);
  const trueKana = kanaId;
  const trueBirth = birthDays;
  if (mechanism === BIRTH_TYPO) birthDays += shift(15);

  out.insurerType = base.type;
  out.history = base.history;
  out.subject = subject;
  out.owner = owner;
  out.myNumber = myNumber;
  out.factsOf = factsOf;
  out.mechanism = mechanism;
  out.changes = changes;
  out.birthDays = birthDays;
  out.kanaId = kanaId;
  out.sex = sex;
  out.newFamily = newFamily;
  if (owner === subject) {
    out.jlisKanaId = trueKana;
    out.jlisBirthDays = trueBirth;
  } else if (owner >= 0) {
    out.jlisKanaId = view.kanaId(owner);
    out.jlisBirthDays = view.birthDays(owner);
  } else {
    out.jlisKanaId = 0;
    out.jlisBirthDays = 0;
  }
  out.nameForm =
    changes & BIT['kanji-variant'] || (mechanism === FOUR_FACT && draw(4) < FOUR_FACT_OTHER_KANJI)
      ? 1
      : 0;
  out.addressForm =
    owner >= 0 && owner !== subject && !sameHousehold(view, owner, subject)
      ? 3
      : changes & BIT['address-moved']
        ? 2
        : changes & BIT['address-notation']
          ? 1
          : 0;
  return out;
}

export interface IncomingColumns {
  length: number;
  myNumber: Float64Array;
  birthDays: Int32Array;
  kanaId: Uint32Array;
  sex: Uint8Array;
  /** Index into INSURER_TYPES of the registering insurer. */
  insurerType: Uint8Array;
  /** Ground truth: 0 right, else MECHANISM_CODE of the error. */
  mechanism: Uint8Array;
  /** Ground truth: CHANGE_BIT set of the legitimate changes. */
  changes: Uint8Array;
  /** 1 when the 漢字氏名 differs from J-LIS's (same reading). */
  nameForm: Uint8Array;
  /** Index into ADDRESS_FORMS. */
  addressForm: Uint8Array;
  /** The person registered. */
  subject: Int32Array;
  /** The person the number belongs to, −1 for an unassigned number. */
  owner: Int32Array;
  /** J-LIS's current kana and birth date for the number's owner. */
  jlisKanaId: Uint32Array;
  jlisBirthDays: Int32Array;
}

export const INCOMING_COLUMN_TYPES = {
  myNumber: Float64Array,
  birthDays: Int32Array,
  kanaId: Uint32Array,
  sex: Uint8Array,
  insurerType: Uint8Array,
  mechanism: Uint8Array,
  changes: Uint8Array,
  nameForm: Uint8Array,
  addressForm: Uint8Array,
  subject: Int32Array,
  owner: Int32Array,
  jlisKanaId: Uint32Array,
  jlisBirthDays: Int32Array,
} as const;

export function allocateIncomingColumns(length: number, shared = false): IncomingColumns {
  const out: Record<string, unknown> = { length };
  for (const [name, Type] of Object.entries(INCOMING_COLUMN_TYPES)) {
    const bytes = length * Type.BYTES_PER_ELEMENT;
    const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
    out[name] = new (Type as unknown as new (b: ArrayBufferLike) => unknown)(buffer);
  }
  return out as unknown as IncomingColumns;
}

/**
 * Incoming rows [from, to) as columns, read from the population's columns (`population` must hold
 * persons 0 … existing + incoming − 1).
 */
export function fillIncomingColumns(
  options: IncomingOptions,
  population: MemberColumns,
  out: IncomingColumns,
  from = 0,
  to = options.incoming,
): void {
  checkErrorModel(options.model ?? DEFAULT_ERROR_MODEL);
  const view = columnsView(population);
  const spec = {} as IncomingSpec;
  for (let j = from; j < to; j++) {
    incomingSpec(options, view, j, spec);
    out.myNumber[j] = spec.myNumber;
    out.birthDays[j] = spec.birthDays;
    out.kanaId[j] = spec.kanaId;
    out.sex[j] = spec.sex;
    out.insurerType[j] = spec.insurerType;
    out.mechanism[j] = spec.mechanism;
    out.changes[j] = spec.changes;
    out.nameForm[j] = spec.nameForm;
    out.addressForm[j] = spec.addressForm;
    out.subject[j] = spec.subject;
    out.owner[j] = spec.owner;
    out.jlisKanaId[j] = spec.jlisKanaId;
    out.jlisBirthDays[j] = spec.jlisBirthDays;
  }
}

// ---- rows (the insurer's bulk registration file) --------------------------------------------

/** One row of the bulk registration file (columns listed in README.md). */
export interface BulkRegistrationRow {
  myNumber: string;
  insurerNumber: string;
  insuredCardSymbol: string;
  insuredIdentificationNumber: string;
  insuredBranchNumber: string;
  personalFamilyClassification: '1' | '2';
  name: string;
  nameKana: string;
  sex: '1' | '2';
  birthDate: string;
  address: string;
  postNumber: string;
  qualificationDate: string;
}

export const BULK_REGISTRATION_COLUMNS = [
  'myNumber',
  'insurerNumber',
  'insuredCardSymbol',
  'insuredIdentificationNumber',
  'insuredBranchNumber',
  'personalFamilyClassification',
  'name',
  'nameKana',
  'sex',
  'birthDate',
  'address',
  'postNumber',
  'qualificationDate',
] as const satisfies readonly (keyof BulkRegistrationRow)[];

/** A person's current registration, as the insurer holding it would have filed it. */
export function registrationRowOf(person: SyntheticPerson): BulkRegistrationRow {
  return {
    myNumber: person.myNumber,
    insurerNumber: person.insurerNumber,
    insuredCardSymbol: person.insuredCardSymbol ?? '',
    insuredIdentificationNumber: person.insuredIdentificationNumber,
    insuredBranchNumber: person.insuredBranchNumber,
    personalFamilyClassification: person.personalFamilyClassification,
    name: person.name,
    nameKana: person.nameKana,
    sex: person.sex === 1 ? '1' : '2',
    birthDate: person.birthDate,
    address: person.address,
    postNumber: person.postNumber,
    qualificationDate: person.qualificationDate,
  };
}

export interface LabelledRow {
  row: BulkRegistrationRow;
  /** The error mechanism, or `right` / `right-new-member`. */
  pattern: Mechanism | 'right' | 'right-new-member';
  mechanism: Mechanism | null;
  /** Legitimate changes (the row is right, or wrong for another reason, whatever these are). */
  changes: Change[];
  /** Ground truth: the registration is wrong. */
  error: boolean;
  /** The person being registered (index in the population). */
  subject: number;
}

/** The population read chunk by chunk (a few chunks kept), for the row writer. */
class ChunkView implements PopulationView {
  private readonly cache = new Map<number, ChunkColumns>();
  constructor(
    private readonly seed: number,
    private readonly size: number,
    private readonly asOfDays: number,
  ) {}
  private chunk(i: number): ChunkColumns {
    const c = Math.floor(i / CHUNK_SIZE);
    let cols = this.cache.get(c);
    if (cols === undefined) {
      if (this.cache.size >= 4) this.cache.delete(this.cache.keys().next().value!);
      cols = new ChunkColumns();
      generateChunk(this.seed, this.size, this.asOfDays, c, cols);
      this.cache.set(c, cols);
    }
    return cols;
  }
  person(i: number): SyntheticPerson {
    return personFromChunk(this.seed, Math.floor(i / CHUNK_SIZE), this.chunk(i), i % CHUNK_SIZE);
  }
  myNumber(i: number): number {
    return myNumberValue(this.seed, i);
  }
  birthDays(i: number): number {
    return this.chunk(i).birthDays[i % CHUNK_SIZE]!;
  }
  kanaId(i: number): number {
    return kanaIdAt(this.chunk(i), i % CHUNK_SIZE);
  }
  sex(i: number): number {
    return this.chunk(i).sex[i % CHUNK_SIZE]!;
  }
  insurer(i: number): number {
    return this.chunk(i).insurer[i % CHUNK_SIZE]!;
  }
  household(i: number): number {
    return this.chunk(i).household[i % CHUNK_SIZE]!;
  }
}

/** 旧字体 / 異体字 that J-LIS holds for common characters (the insurer typed the left one). */
const KANJI_VARIANTS: Record<string, string> = {
  高: '髙',
  崎: '﨑',
  辺: '邊',
  斎: '齋',
  沢: '澤',
  浜: '濱',
  島: '嶋',
  広: '廣',
  国: '國',
  桜: '櫻',
  竜: '龍',
  恵: '惠',
  真: '眞',
  実: '實',
  藤: '籐',
};

/**
 * The name as J-LIS would differ from the insurer's: the first character with a 旧字体 / 異体字
 * takes it; a name without one gets ● for its first character (the mark insurer systems show for a
 * 外字 they cannot hold).
 */
export function kanjiVariantOf(name: string): string {
  const chars = [...name];
  const k = chars.findIndex((c) => KANJI_VARIANTS[c] !== undefined);
  if (k >= 0) chars[k] = KANJI_VARIANTS[chars[k]!]!;
  else chars[0] = '●';
  return chars.join('');
}

/** 1丁目2番3号 → 1-2-3 (the same address, written as many forms do). */
export function addressNotationOf(address: string): string {
  return address.replace(/(\d+)丁目(\d+)番(\d+)号$/u, '$1-$2-$3');
}

/** The address before a move within the town (another 丁目). */
export function staleAddressOf(address: string, hash: number): string {
  return address.replace(
    /(\d+)丁目/u,
    (_, d: string) => `${((Number(d) + (hash % 8)) % 9) + 1}丁目`,
  );
}

/**
 * The bulk file's rows [from, to) with their labels. Same seed → same rows; the matching columns
 * of a row (number, birth date, kana) equal fillIncomingColumns'.
 */
export function* generateIncomingRows(
  options: IncomingOptions,
  from = 0,
  to = options.incoming,
): Generator<LabelledRow> {
  const size = populationSizeFor(options);
  const asOfDays = daysFromIso(options.asOf);
  if (Number.isNaN(asOfDays)) throw new RangeError(`asOf must be YYYY-MM-DD, got ${options.asOf}`);
  checkErrorModel(options.model ?? DEFAULT_ERROR_MODEL);
  const view = new ChunkView(options.seed, size, asOfDays);
  const others = new ChunkView(options.seed, size, asOfDays);
  const spec = {} as IncomingSpec;
  for (let j = from; j < Math.min(to, options.incoming); j++) {
    incomingSpec(options, view, j, spec);
    const subject = view.person(spec.subject);
    const facts = spec.factsOf === spec.subject ? subject : others.person(spec.factsOf);
    const row = registrationRowOf(subject);
    if (spec.history) row.qualificationDate = options.asOf;
    row.myNumber = String(spec.myNumber).padStart(12, '0');
    row.name = facts.name;
    row.nameKana = facts.nameKana;
    row.sex = spec.sex === 1 ? '1' : '2';
    row.birthDate = isoFromDays(spec.birthDays);
    if (spec.newFamily >= 0) {
      const [familyKanji, familyKana] = FAMILY_NAMES[spec.newFamily]!;
      row.name = `${familyKanji}\u3000${row.name.split('\u3000')[1]}`;
      row.nameKana = `${familyKana}\u3000${row.nameKana.split('\u3000')[1]}`;
    }
    if (spec.changes & BIT['kana-correction']) row.nameKana = kanaOfId(spec.kanaId);
    if (spec.nameForm) row.name = kanjiVariantOf(row.name);
    if (spec.changes & BIT['kana-half-width']) row.nameKana = toHalfWidthKana(row.nameKana);
    if (spec.changes & BIT['address-moved']) {
      row.address = staleAddressOf(row.address, hash3(options.seed, STREAM, j * DRAWS + 14));
    } else if (spec.changes & BIT['address-notation']) row.address = addressNotationOf(row.address);
    const mechanism = spec.mechanism === 0 ? null : MECHANISMS[spec.mechanism - 1]!;
    yield {
      row,
      pattern: mechanism ?? (spec.history ? 'right' : 'right-new-member'),
      mechanism,
      changes: changesOf(spec.changes),
      error: mechanism !== null,
      subject: spec.subject,
    };
  }
}
