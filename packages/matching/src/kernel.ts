import {
  MIS_ENTRY_OUTCOMES,
  MIS_ENTRY_RULES,
  SEED_POLICY,
  type MisEntryOutcomeCode,
  type MisEntryPolicy,
} from '@shikaku/core/mis-entry';

/**
 * The column kernels of the bulk engine. Existing records and incoming registrations are columns:
 * the My Number as a double (or any exact id), the birth date and the kana name as integers that
 * are equal exactly when core's comparison says equal (days; canonical kana ids). The engine is
 * core's classifyRegistration with `jlis` not yet queried (NEEDS_JLIS is where J-LIS comes in),
 * against the existing records only (rows of the same batch are not each other's history).
 *
 * Plan: index the incoming side (the small one) in an open-addressing hash table with a one-bit
 * filter in front, stream the existing side through it in index ranges (one task per range, on
 * any thread), and keep per incoming row the first existing record whose birth date differs and
 * the first with the same birth date and another kana, as core reports them.
 */
export const NONE = 0x7fff_ffff;

export interface ExistingColumns {
  length: number;
  myNumber: Float64Array;
  birthDays: Int32Array;
  kanaId: Uint32Array;
}
export type IncomingMatchColumns = ExistingColumns;

/** The incoming side, indexed. All arrays may be on SharedArrayBuffers. */
export interface IncomingIndex {
  /** Slot keys (−1 = empty); capacity is a power of two. */
  keys: Float64Array;
  /** First incoming row of the slot's key. */
  heads: Int32Array;
  /** Next incoming row with the same key, −1 at the end. */
  next: Int32Array;
  /** One-bit filter over the key hash. */
  filter: Uint32Array;
}

function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

/** 32-bit hash of an integer-valued double below 2^53. */
export function hashKey(x: number): number {
  return mix((x >>> 0) ^ Math.imul((x / 0x1_0000_0000) >>> 0, 0x9e3779b9));
}

function pow2AtLeast(n: number): number {
  let p = 16;
  while (p < n) p *= 2;
  return p;
}

export function allocateIncomingIndex(rows: number, shared = false): IncomingIndex {
  const buf = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const capacity = pow2AtLeast(rows * 2);
  const filterBits = Math.min(2 ** 31, Math.max(1024, pow2AtLeast(rows * 16)));
  return {
    keys: new Float64Array(buf(capacity * 8)),
    heads: new Int32Array(buf(capacity * 4)),
    next: new Int32Array(buf(Math.max(1, rows) * 4)),
    filter: new Uint32Array(buf(filterBits / 8)),
  };
}

/** Indexes the incoming My Numbers (later rows with the same number are chained after earlier). */
export function buildIncomingIndex(incoming: IncomingMatchColumns, index: IncomingIndex): void {
  const { keys, heads, next, filter } = index;
  keys.fill(-1);
  filter.fill(0);
  const cmask = keys.length - 1;
  const fmask = filter.length * 32 - 1;
  const tails = new Int32Array(keys.length);
  for (let r = 0; r < incoming.length; r++) {
    const x = incoming.myNumber[r]!;
    const h = hashKey(x);
    const f = h & fmask;
    filter[f >>> 5]! |= 1 << (f & 31);
    let slot = mix(h) & cmask;
    for (;;) {
      const k = keys[slot]!;
      if (k === -1) {
        keys[slot] = x;
        heads[slot] = r;
        tails[slot] = r;
        break;
      }
      if (k === x) {
        next[tails[slot]!] = r;
        tails[slot] = r;
        break;
      }
      slot = (slot + 1) & cmask;
    }
    next[r] = -1;
  }
}

/** What one scan of an existing range found: (incoming row, existing record, kind) triples. */
export interface RangeMatches {
  count: number;
  rows: Int32Array;
  existing: Int32Array;
  /** 0 same birth date and kana, 1 birth date differs, 2 same birth date, other kana. */
  kinds: Uint8Array;
}

export const KIND_SAME = 0;
export const KIND_BIRTH = 1;
export const KIND_KANA = 2;

/** Streams existing records [from, to) through the incoming index. */
export function scanExistingRange(
  existing: ExistingColumns,
  incoming: IncomingMatchColumns,
  index: IncomingIndex,
  from: number,
  to: number,
): RangeMatches {
  const { keys, heads, next, filter } = index;
  const exNum = existing.myNumber;
  const exBirth = existing.birthDays;
  const exKana = existing.kanaId;
  const inBirth = incoming.birthDays;
  const inKana = incoming.kanaId;
  const cmask = keys.length - 1;
  const fmask = filter.length * 32 - 1;
  let capacity = 1024;
  let rows = new Int32Array(capacity);
  let ex = new Int32Array(capacity);
  let kinds = new Uint8Array(capacity);
  let count = 0;
  for (let e = from; e < to; e++) {
    const x = exNum[e]!;
    const h = hashKey(x);
    const f = h & fmask;
    if ((filter[f >>> 5]! & (1 << (f & 31))) === 0) continue;
    let slot = mix(h) & cmask;
    let k = keys[slot]!;
    while (k !== x && k !== -1) {
      slot = (slot + 1) & cmask;
      k = keys[slot]!;
    }
    if (k === -1) continue;
    const birth = exBirth[e]!;
    const kana = exKana[e]!;
    for (let r = heads[slot]!; r !== -1; r = next[r]!) {
      if (count === capacity) {
        capacity *= 2;
        const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
          const b = make(capacity);
          b.set(a);
          return b;
        };
        rows = grow(rows, (n) => new Int32Array(n));
        ex = grow(ex, (n) => new Int32Array(n));
        kinds = grow(kinds, (n) => new Uint8Array(n));
      }
      rows[count] = r;
      ex[count] = e;
      kinds[count] = inBirth[r] !== birth ? KIND_BIRTH : inKana[r] !== kana ? KIND_KANA : KIND_SAME;
      count++;
    }
  }
  return { count, rows, existing: ex, kinds };
}

/** Packs matches into one ArrayBuffer (rows, existing, kinds) so a worker can move it. */
export function packMatches(m: RangeMatches): ArrayBuffer {
  const buffer = new ArrayBuffer(m.count * 9);
  new Int32Array(buffer, 0, m.count).set(m.rows.subarray(0, m.count));
  new Int32Array(buffer, m.count * 4, m.count).set(m.existing.subarray(0, m.count));
  new Uint8Array(buffer, m.count * 8, m.count).set(m.kinds.subarray(0, m.count));
  return buffer;
}

export function unpackMatches(buffer: ArrayBuffer): RangeMatches {
  const count = buffer.byteLength / 9;
  return {
    count,
    rows: new Int32Array(buffer, 0, count),
    existing: new Int32Array(buffer, count * 4, count),
    kinds: new Uint8Array(buffer, count * 8, count),
  };
}

/** Per incoming row: whether it has history, and the first conflicting records (NONE if none). */
export interface MatchState {
  hasHistory: Uint8Array;
  firstBirth: Int32Array;
  firstKana: Int32Array;
}

export function createMatchState(rows: number): MatchState {
  return {
    hasHistory: new Uint8Array(rows),
    firstBirth: new Int32Array(rows).fill(NONE),
    firstKana: new Int32Array(rows).fill(NONE),
  };
}

/** Folds one range's matches into the state (ranges may arrive in any order). */
export function mergeMatches(state: MatchState, m: RangeMatches): void {
  const { hasHistory, firstBirth, firstKana } = state;
  for (let i = 0; i < m.count; i++) {
    const r = m.rows[i]!;
    const e = m.existing[i]!;
    hasHistory[r] = 1;
    const kind = m.kinds[i]!;
    if (kind === KIND_BIRTH) {
      if (e < firstBirth[r]!) firstBirth[r] = e;
    } else if (kind === KIND_KANA) {
      if (e < firstKana[r]!) firstKana[r] = e;
    }
  }
}

export const OUTCOME_INDEX: Record<MisEntryOutcomeCode, number> = Object.fromEntries(
  MIS_ENTRY_OUTCOMES.map((code, i) => [code, i]),
) as Record<MisEntryOutcomeCode, number>;

/** Outcomes as columns: index into MIS_ENTRY_OUTCOMES, and the conflicting record (−1 if none). */
export interface OutcomeColumns {
  code: Uint8Array;
  conflictingRecord: Int32Array;
}

/**
 * core's classifyRegistration (jlis not yet queried) from the folded state. Which rules are in
 * force depends only on the date and policy, so it is decided once for the batch.
 */
export function decideOutcomes(
  state: MatchState,
  asOf: string,
  policy: MisEntryPolicy = SEED_POLICY,
  out?: OutcomeColumns,
): OutcomeColumns {
  const rows = state.hasHistory.length;
  const result = out ?? { code: new Uint8Array(rows), conflictingRecord: new Int32Array(rows) };
  const birthInForce = asOf >= MIS_ENTRY_RULES.BIRTH_DATE.effectiveFrom;
  const kanaInForce = asOf >= MIS_ENTRY_RULES.KANA_NAME.effectiveFrom;
  const noHistoryJlis = asOf >= MIS_ENTRY_RULES.JLIS_NO_HISTORY.effectiveFrom;
  const everyJlis =
    policy.jlisCheckEveryRegistration &&
    asOf >= MIS_ENTRY_RULES.JLIS_EVERY_REGISTRATION.effectiveFrom;
  const BIRTH = OUTCOME_INDEX.BIRTH_DATE_MISMATCH;
  const KANA = OUTCOME_INDEX.KANA_NAME_MISMATCH;
  const NEEDS_JLIS = OUTCOME_INDEX.NEEDS_JLIS;
  const CONSISTENT = OUTCOME_INDEX.CONSISTENT;
  const NOT_CHECKED = OUTCOME_INDEX.NOT_CHECKED;
  const { hasHistory, firstBirth, firstKana } = state;
  for (let r = 0; r < rows; r++) {
    let code: number;
    let conflict = -1;
    const history = hasHistory[r] === 1;
    if (history && birthInForce && firstBirth[r] !== NONE) {
      code = BIRTH;
      conflict = firstBirth[r]!;
    } else if (history && kanaInForce && firstKana[r] !== NONE) {
      code = KANA;
      conflict = firstKana[r]!;
    } else if (everyJlis || (!history && noHistoryJlis)) {
      code = NEEDS_JLIS;
    } else if (history && birthInForce) {
      code = CONSISTENT;
    } else {
      code = NOT_CHECKED;
    }
    result.code[r] = code;
    result.conflictingRecord[r] = conflict;
  }
  return result;
}
