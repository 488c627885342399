import { toHalfWidthKana } from '@shikaku/core/kana';
import type { MemberColumns } from './columnar.js';
import { daysFromIso, isoFromDays } from './days.js';
import { INSURERS, insurerFor } from './insurers.js';
import { FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES } from './names.js';
import {
  CHUNK_SIZE,
  ChunkColumns,
  generateChunk,
  kanaIdOf,
  kanaOfId,
  MAX_POPULATION,
  myNumberOf,
  personFromChunk,
  type SyntheticPerson,
} from './population.js';
import { hash3, unit } from './prng.js';

/**
 * Incoming registrations (a bulk file from insurers) with injected error patterns and their ground
 * truth. The population has `existing + incoming` persons: persons [0, existing) are already
 * registered in the intermediate server; the rest are J-LIS residents with no history there
 * (new members, and the owners of numbers that get mistyped into someone else's).
 */
export const INCOMING_PATTERNS = [
  'job-change',
  'kana-width-variant',
  'new-member',
  'wrong-number',
  'wrong-number-same-facts',
  'birth-date-typo',
  'twins',
  'wrong-number-unregistered',
  'jlis-disagree',
] as const;
export type IncomingPattern = (typeof INCOMING_PATTERNS)[number];

export interface PatternInfo {
  /** True when the registration is wrong (the checks should flag it). */
  error: boolean;
  /** Share of incoming rows, per mille. */
  perMille: number;
  description: string;
}

export const PATTERNS: Record<IncomingPattern, PatternInfo> = {
  'job-change': {
    error: false,
    perMille: 570,
    description: 'a registered person registered again by a new insurer, all facts right',
  },
  'kana-width-variant': {
    error: false,
    perMille: 50,
    description: 'a job change whose kana name is typed half-width (ｻﾄｳ ﾀﾛｳ): the same name',
  },
  'new-member': {
    error: false,
    perMille: 200,
    description: 'a number with no history (newborn, first registration), facts as in J-LIS',
  },
  'wrong-number': {
    error: true,
    perMille: 50,
    description: "a mistyped number that passes the check digit: someone else's registered number",
  },
  'wrong-number-same-facts': {
    error: true,
    perMille: 10,
    description:
      "someone else's registered number whose owner has the same birth date and kana name: no rule can see it",
  },
  'birth-date-typo': {
    error: true,
    perMille: 50,
    description: 'the right number with a mistyped birth date',
  },
  twins: {
    error: true,
    perMille: 30,
    description:
      "a twin registered with the other twin's number (same birth date, other given name)",
  },
  'wrong-number-unregistered': {
    error: true,
    perMille: 20,
    description: "someone else's number that has no history yet: only J-LIS can tell",
  },
  'jlis-disagree': {
    error: true,
    perMille: 20,
    description: 'a new member whose kana name disagrees with J-LIS',
  },
};

const PATTERN_CUMULATIVE = (() => {
  let sum = 0;
  return INCOMING_PATTERNS.map((p) => (sum += PATTERNS[p].perMille));
})();
const PATTERN_TOTAL = PATTERN_CUMULATIVE[PATTERN_CUMULATIVE.length - 1]!;
const NEW_MEMBER = INCOMING_PATTERNS.indexOf('new-member');
const JLIS_DISAGREE = INCOMING_PATTERNS.indexOf('jlis-disagree');
const JOB_CHANGE = INCOMING_PATTERNS.indexOf('job-change');
const STREAM = 0x1c0e;
const BIRTH_SHIFTS = [1, -1, 30, -30, 365, -365, 3652] as const;
const GIVEN = [MALE_GIVEN_NAMES, FEMALE_GIVEN_NAMES] as const;

export interface IncomingOptions {
  seed: number;
  /** Registered persons (the intermediate server's history). */
  existing: number;
  /** Rows in the bulk file. */
  incoming: number;
  asOf: string;
}

/** Persons the population must hold for these options (registered + J-LIS-only residents). */
export function populationSizeFor(options: IncomingOptions): number {
  const size = options.existing + options.incoming;
  if (size > MAX_POPULATION)
    throw new RangeError(`existing + incoming must be ≤ ${MAX_POPULATION}`);
  return size;
}

/** What row j is, from hashes only (both materialisers agree on it). */
export interface IncomingSpec {
  pattern: number;
  /** The person whose facts are registered. */
  subject: number;
  /** The person whose My Number is registered. */
  numberOf: number;
  /** Birth-date shift in days (birth-date-typo), else 0. */
  birthShift: number;
  /** Hash that picks the other given name (twins, jlis-disagree). */
  nameHash: number;
  /** Hash that picks the new insurer. */
  insurerHash: number;
}

export function incomingSpec(options: IncomingOptions, j: number, out: IncomingSpec): IncomingSpec {
  const { seed, existing: n, incoming: m } = options;
  const r0 = hash3(seed, STREAM, j * 4);
  const r1 = hash3(seed, STREAM, j * 4 + 1);
  const r2 = hash3(seed, STREAM, j * 4 + 2);
  const r3 = hash3(seed, STREAM, j * 4 + 3);
  const x = Math.floor((r0 / 0x1_0000_0000) * PATTERN_TOTAL);
  let pattern = 0;
  while (PATTERN_CUMULATIVE[pattern]! <= x) pattern++;
  const name = INCOMING_PATTERNS[pattern]!;
  const needsExisting = pattern !== NEW_MEMBER && pattern !== JLIS_DISAGREE;
  if (needsExisting && n === 0) pattern = NEW_MEMBER;
  else if ((name === 'wrong-number' || name === 'wrong-number-same-facts') && n < 2)
    pattern = JOB_CHANGE;
  const subject =
    pattern === NEW_MEMBER || pattern === JLIS_DISAGREE
      ? n + j
      : Math.min(n - 1, Math.floor(((j + unit(r1)) * n) / m));
  let numberOf = subject;
  const final = INCOMING_PATTERNS[pattern]!;
  if (final === 'wrong-number' || final === 'wrong-number-same-facts') {
    // Someone in the same chunk: realistic enough, and the row writer needs one chunk per row.
    const base = Math.floor(subject / CHUNK_SIZE) * CHUNK_SIZE;
    const len = Math.min(CHUNK_SIZE, n - base);
    numberOf = len > 1 ? base + (r2 % len) : (subject + 1) % n;
    if (numberOf === subject) numberOf = base + ((subject - base + 1) % len);
  } else if (final === 'wrong-number-unregistered') {
    numberOf = n + j;
  }
  out.pattern = pattern;
  out.subject = subject;
  out.numberOf = numberOf;
  out.birthShift = final === 'birth-date-typo' ? BIRTH_SHIFTS[r3 % BIRTH_SHIFTS.length]! : 0;
  out.nameHash = r3;
  out.insurerHash = r2;
  return out;
}

/** Another given name of the same sex with a different reading (twins, J-LIS disagreement). */
function otherGiven(sex: number, givenKana: string, hash: number): readonly [string, string] {
  const list = GIVEN[sex - 1]!;
  for (let k = 0; k < list.length; k++) {
    const entry = list[(hash + k) % list.length]!;
    if (entry[1] !== givenKana) return entry;
  }
  throw new Error('name list has one reading only');
}

export interface IncomingColumns {
  length: number;
  myNumber: Float64Array;
  birthDays: Int32Array;
  kanaId: Uint32Array;
  /** Index into INCOMING_PATTERNS (the ground truth). */
  pattern: Uint8Array;
  /** The person whose facts were registered. */
  subject: Int32Array;
}

export function allocateIncomingColumns(length: number, shared = false): IncomingColumns {
  const buf = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return {
    length,
    myNumber: new Float64Array(buf(length * 8)),
    birthDays: new Int32Array(buf(length * 4)),
    kanaId: new Uint32Array(buf(length * 4)),
    pattern: new Uint8Array(buf(length)),
    subject: new Int32Array(buf(length * 4)),
  };
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
  const spec = {} as IncomingSpec;
  for (let j = from; j < to; j++) {
    incomingSpec(options, j, spec);
    const s = spec.subject;
    const pattern = INCOMING_PATTERNS[spec.pattern]!;
    out.pattern[j] = spec.pattern;
    out.subject[j] = s;
    out.myNumber[j] = population.myNumber[spec.numberOf]!;
    const factsOf = pattern === 'wrong-number-same-facts' ? spec.numberOf : s;
    out.birthDays[j] = population.birthDays[factsOf]! + spec.birthShift;
    let kanaId = population.kanaId[factsOf]!;
    if (pattern === 'twins' || pattern === 'jlis-disagree') {
      const [familyKana, givenKana] = kanaOfId(kanaId).split('\u3000') as [string, string];
      const [, otherKana] = otherGiven(population.sex[s]!, givenKana, spec.nameHash);
      kanaId = kanaIdOf(`${familyKana}\u3000${otherKana}`)!;
    }
    out.kanaId[j] = kanaId;
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
  pattern: IncomingPattern;
  /** Ground truth: the registration is wrong. */
  error: boolean;
  /** The person whose facts were registered (index in the population). */
  subject: number;
}

class ChunkCache {
  private chunk = -1;
  private readonly columns = new ChunkColumns();
  constructor(
    private readonly seed: number,
    private readonly size: number,
    private readonly asOfDays: number,
  ) {}
  person(index: number): SyntheticPerson {
    const c = Math.floor(index / CHUNK_SIZE);
    if (c !== this.chunk) {
      generateChunk(this.seed, this.size, this.asOfDays, c, this.columns);
      this.chunk = c;
    }
    return personFromChunk(this.seed, c, this.columns, index - c * CHUNK_SIZE);
  }
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
  const registered = new ChunkCache(options.seed, size, asOfDays);
  const residents = new ChunkCache(options.seed, size, asOfDays);
  const spec = {} as IncomingSpec;
  for (let j = from; j < Math.min(to, options.incoming); j++) {
    incomingSpec(options, j, spec);
    const pattern = INCOMING_PATTERNS[spec.pattern]!;
    const isNew = pattern === 'new-member' || pattern === 'jlis-disagree';
    const subject = isNew ? residents.person(spec.subject) : registered.person(spec.subject);
    let row = registrationRowOf(subject);
    if (!isNew && subject.insurerType !== 'koki') {
      // A job change: the new employer's insurer files it.
      const type = spec.insurerHash % 2 === 0 ? 1 : 4; // 組合健保 or 共済 (INSURER_TYPES order)
      const insurer = INSURERS[insurerFor(type, subject.prefecture, spec.insurerHash >>> 1)]!;
      row = {
        ...row,
        insurerNumber: insurer.insurerNumber,
        insuredCardSymbol: String(1 + (spec.nameHash % 9999)),
        insuredIdentificationNumber: String(100_000_000 + j),
        insuredBranchNumber: '00',
        personalFamilyClassification: '1',
        qualificationDate: options.asOf,
      };
    }
    switch (pattern) {
      case 'kana-width-variant':
        row.nameKana = toHalfWidthKana(row.nameKana);
        break;
      case 'wrong-number':
      case 'wrong-number-unregistered':
        row.myNumber = myNumberOf(options.seed, spec.numberOf);
        break;
      case 'wrong-number-same-facts': {
        const owner = registered.person(spec.numberOf);
        row.myNumber = owner.myNumber;
        row.birthDate = owner.birthDate;
        row.nameKana = owner.nameKana;
        break;
      }
      case 'birth-date-typo':
        row.birthDate = isoFromDays(daysFromIso(row.birthDate) + spec.birthShift);
        break;
      case 'twins':
      case 'jlis-disagree': {
        const [familyKanji, givenKanji] = subject.name.split('\u3000') as [string, string];
        const [familyKana, givenKana] = subject.nameKana.split('\u3000') as [string, string];
        const [otherKanji, otherKana] = otherGiven(subject.sex, givenKana, spec.nameHash);
        row.name = `${familyKanji}\u3000${pattern === 'twins' ? otherKanji : givenKanji}`;
        row.nameKana = `${familyKana}\u3000${otherKana}`;
        break;
      }
      default:
        break;
    }
    yield { row, pattern, error: PATTERNS[pattern].error, subject: spec.subject };
  }
}
