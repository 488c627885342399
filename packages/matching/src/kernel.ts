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

/**
 * The incoming side, indexed: radix-partitioned by the top `bits` of the key hash, one small
 * open-addressing table per partition, so that probing one partition stays in cache (a single
 * table over 10M keys would miss the cache on every probe). All arrays may be shared.
 */
export interface IncomingIndex {
  bits: number;
  /** Slots per partition (a power of two). */
  partitionCapacity: number;
  /** Slot keys (−1 = empty), partition p at [p·capacity, (p+1)·capacity). */
  keys: Float64Array;
  /** First incoming row of the slot's key. */
  heads: Int32Array;
  /** Next incoming row with the same key, −1 at the end. */
  next: Int32Array;
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

function partitionOf(h: number, bits: number): number {
  return bits === 0 ? 0 : h >>> (32 - bits);
}

/** Partition bits for `rows` keys: about 4,096 keys a partition, at most 1,024 partitions. */
export function partitionBits(rows: number): number {
  let bits = 0;
  while (bits < 10 && rows >> bits > 4096) bits++;
  return bits;
}

/** Indexes the incoming My Numbers (later rows with the same number are chained after earlier). */
export function buildIncomingIndex(incoming: IncomingMatchColumns, shared = false): IncomingIndex {
  const rows = incoming.length;
  const bits = partitionBits(rows);
  const parts = 1 << bits;
  const counts = new Int32Array(parts);
  for (let r = 0; r < rows; r++) counts[partitionOf(hashKey(incoming.myNumber[r]!), bits)]!++;
  let max = 0;
  for (let p = 0; p < parts; p++) max = Math.max(max, counts[p]!);
  const capacity = pow2AtLeast(max * 2);
  const buf = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const keys = new Float64Array(buf(parts * capacity * 8)).fill(-1);
  const heads = new Int32Array(buf(parts * capacity * 4));
  const next = new Int32Array(buf(Math.max(1, rows) * 4));
  const tails = new Int32Array(parts * capacity);
  const pmask = capacity - 1;
  for (let r = 0; r < rows; r++) {
    const x = incoming.myNumber[r]!;
    const h = hashKey(x);
    const base = partitionOf(h, bits) * capacity;
    let slot = mix(h) & pmask;
    for (;;) {
      const k = keys[base + slot]!;
      if (k === -1) {
        keys[base + slot] = x;
        heads[base + slot] = r;
        tails[base + slot] = r;
        break;
      }
      if (k === x) {
        next[tails[base + slot]!] = r;
        tails[base + slot] = r;
        break;
      }
      slot = (slot + 1) & pmask;
    }
    next[r] = -1;
  }
  return { bits, partitionCapacity: capacity, keys, heads, next };
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

/**
 * Streams existing records [from, to) through the incoming index: hash and scatter the range by
 * partition, then probe one partition's table at a time (cache-resident).
 */
export function scanExistingRange(
  existing: ExistingColumns,
  incoming: IncomingMatchColumns,
  index: IncomingIndex,
  from: number,
  to: number,
): RangeMatches {
  const { keys, heads, next, bits, partitionCapacity: capacity } = index;
  const exNum = existing.myNumber;
  const exBirth = existing.birthDays;
  const exKana = existing.kanaId;
  const inBirth = incoming.birthDays;
  const inKana = incoming.kanaId;
  const pmask = capacity - 1;
  const parts = 1 << bits;
  const n = Math.max(0, to - from);
  const hashes = new Uint32Array(n);
  const offsets = new Int32Array(parts + 1);
  for (let i = 0; i < n; i++) {
    const h = hashKey(exNum[from + i]!);
    hashes[i] = h;
    offsets[partitionOf(h, bits) + 1]!++;
  }
  for (let p = 0; p < parts; p++) offsets[p + 1]! += offsets[p]!;
  const fill = offsets.slice(0, parts);
  const sortedKey = new Float64Array(n);
  const sortedHash = new Uint32Array(n);
  const sortedIndex = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const h = hashes[i]!;
    const at = fill[partitionOf(h, bits)]!++;
    sortedKey[at] = exNum[from + i]!;
    sortedHash[at] = h;
    sortedIndex[at] = from + i;
  }
  let capacityOut = 1024;
  let rows = new Int32Array(capacityOut);
  let ex = new Int32Array(capacityOut);
  let kinds = new Uint8Array(capacityOut);
  let count = 0;
  for (let p = 0; p < parts; p++) {
    const base = p * capacity;
    const end = offsets[p + 1]!;
    for (let i = offsets[p]!; i < end; i++) {
      const x = sortedKey[i]!;
      let slot = mix(sortedHash[i]!) & pmask;
      let k = keys[base + slot]!;
      while (k !== x && k !== -1) {
        slot = (slot + 1) & pmask;
        k = keys[base + slot]!;
      }
      if (k === -1) continue;
      const e = sortedIndex[i]!;
      const birth = exBirth[e]!;
      const kana = exKana[e]!;
      for (let r = heads[base + slot]!; r !== -1; r = next[r]!) {
        if (count === capacityOut) {
          capacityOut *= 2;
          const grow = <T extends Int32Array | Uint8Array>(a: T, make: (m: number) => T): T => {
            const b = make(capacityOut);
            b.set(a);
            return b;
          };
          rows = grow(rows, (m) => new Int32Array(m));
          ex = grow(ex, (m) => new Int32Array(m));
          kinds = grow(kinds, (m) => new Uint8Array(m));
        }
        rows[count] = r;
        ex[count] = e;
        kinds[count] =
          inBirth[r] !== birth ? KIND_BIRTH : inKana[r] !== kana ? KIND_KANA : KIND_SAME;
        count++;
      }
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
  // From 2023-04-14 (policy) every registration's five facts go to J-LIS, as from 2024-05-01.
  const everyJlis =
    (policy.jlisCheckEveryRegistration &&
      asOf >= MIS_ENTRY_RULES.JLIS_EVERY_REGISTRATION.effectiveFrom) ||
    (policy.fiveFactJlisMatch && asOf >= MIS_ENTRY_RULES.JLIS_FIVE_FACTS.effectiveFrom);
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
