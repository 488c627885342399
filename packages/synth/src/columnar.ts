import { daysFromIso } from './days.js';
import {
  CHUNK_SIZE,
  ChunkColumns,
  generateChunk,
  kanaIdAt,
  MAX_POPULATION,
  myNumberValue,
  type PopulationOptions,
} from './population.js';

/**
 * The columns the mis-entry checks need, one typed array each (21 bytes a person): the My Number
 * as a double (12 digits fit exactly), the birth date as days since 1970-01-01, the kana name as a
 * canonical id (equal ids ⇔ equal after core's normalizeKanaForMatching), plus sex, insurer and
 * household.
 * The arrays may sit on SharedArrayBuffers so worker threads can fill or read them in place.
 */
export interface MemberColumns {
  length: number;
  myNumber: Float64Array;
  birthDays: Int32Array;
  kanaId: Uint32Array;
  sex: Uint8Array;
  insurer: Uint16Array;
  /** Offset of the person's household's first member within its chunk (households never cross one). */
  household: Uint16Array;
}

export const MEMBER_COLUMN_TYPES = {
  myNumber: Float64Array,
  birthDays: Int32Array,
  kanaId: Uint32Array,
  sex: Uint8Array,
  insurer: Uint16Array,
  household: Uint16Array,
} as const;
export type MemberColumnName = keyof typeof MEMBER_COLUMN_TYPES;
export const MEMBER_COLUMN_NAMES = Object.keys(MEMBER_COLUMN_TYPES) as MemberColumnName[];

/** Allocates columns for `length` persons, on SharedArrayBuffers when `shared`. */
export function allocateMemberColumns(length: number, shared = false): MemberColumns {
  const make = <T>(Type: { new (b: ArrayBufferLike): T; BYTES_PER_ELEMENT: number }): T =>
    new Type(
      shared
        ? new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT)
        : new ArrayBuffer(length * Type.BYTES_PER_ELEMENT),
    );
  return {
    length,
    myNumber: make(Float64Array),
    birthDays: make(Int32Array),
    kanaId: make(Uint32Array),
    sex: make(Uint8Array),
    insurer: make(Uint16Array),
    household: make(Uint16Array),
  };
}

/**
 * Writes persons [from, to) of the population into `out` at positions [from − offset, to − offset).
 * `from` must be a chunk boundary (a multiple of CHUNK_SIZE) unless it is 0. The values are the
 * same as the row API's (`generatePopulation`) for the same persons.
 */
export function fillMemberColumns(
  options: PopulationOptions,
  from: number,
  to: number,
  out: MemberColumns,
  offset = 0,
): void {
  const { seed, size } = options;
  if (size > MAX_POPULATION) throw new RangeError(`size must be ≤ ${MAX_POPULATION}`);
  if (from % CHUNK_SIZE !== 0) throw new RangeError('from must be a multiple of CHUNK_SIZE');
  const asOfDays = daysFromIso(options.asOf);
  if (Number.isNaN(asOfDays)) throw new RangeError(`asOf must be YYYY-MM-DD, got ${options.asOf}`);
  const end = Math.min(to, size);
  const chunk = new ChunkColumns();
  for (let c = from / CHUNK_SIZE; c * CHUNK_SIZE < end; c++) {
    generateChunk(seed, size, asOfDays, c, chunk);
    const base = c * CHUNK_SIZE;
    const n = Math.min(chunk.length, end - base);
    for (let i = 0; i < n; i++) {
      const at = base + i - offset;
      out.myNumber[at] = myNumberValue(seed, base + i);
      out.birthDays[at] = chunk.birthDays[i]!;
      out.kanaId[at] = kanaIdAt(chunk, i);
      out.sex[at] = chunk.sex[i]!;
      out.insurer[at] = chunk.insurer[i]!;
      out.household[at] = chunk.household[i]!;
    }
  }
}
