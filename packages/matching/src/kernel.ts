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
 * Existing records left in a column file (`@shikaku/synth/files`' format, or any file holding the
 * three columns as raw little-endian typed arrays): where each column starts, in bytes. Workers
 * read their ranges from it straight into memory they reuse, instead of the whole file being
 * loaded into fresh memory first.
 */
export interface ExistingColumnFile {
  path: string;
  length: number;
  offsets: { myNumber: number; birthDays: number; kanaId: number };
}

/**
 * The incoming side, indexed: radix-partitioned by the top `bits` of the key hash, one small
 * open-addressing table per partition, so that probing one partition stays in cache and in the
 * TLB (a single table over 10M keys would miss both on every probe). A slot holds the key's
 * 32-bit hash as a tag and its first incoming row; the key itself is compared (in the incoming
 * column) only when the tag matches. In front of each table, a small blocked Bloom filter (two
 * bits in one 32-bit word, ~13 bits a key) that fits in the L1/L2 cache while its partition is
 * probed: most existing records have no incoming row, and the filter turns them away without
 * touching the table (which, at 10M incoming rows, misses the cache on every probe). All arrays
 * may be shared.
 */
export interface IncomingIndex {
  bits: number;
  /** Slots per partition (a power of two). */
  partitionCapacity: number;
  /** Slot tags (the key's hash), partition p at [p·capacity, (p+1)·capacity). */
  tags: Int32Array;
  /** Position (below) of the slot key's first incoming row, −1 = empty slot. */
  heads: Int32Array;
  /** Next position with the same key, −1 at the end. */
  next: Int32Array;
  /**
   * The incoming rows in partition order (position → row, key, birth date, kana): a match reads
   * its rows from the partition being probed, which is in cache, not from anywhere in the columns.
   */
  rows: Int32Array;
  keys: Float64Array;
  birthDays: Int32Array;
  kanaId: Uint32Array;
  /** Filter words per partition (a power of two, at most 4,096: the hash's bits 0–11). */
  filterWords: number;
  /** Partition p's filter at [p·filterWords, (p+1)·filterWords). */
  filter: Int32Array;
}

/**
 * The filter's word and bits for a hash: word from bits 0–11, bits from 12–16 and 17–21; the
 * partition takes the top ≤ 10 bits (22–31), so the filter sees what the partition does not.
 */
function filterMask(h: number): number {
  return (1 << ((h >>> 12) & 31)) | (1 << ((h >>> 17) & 31));
}

function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x | 0;
}

/**
 * 32-bit hash of an integer-valued double below 2^53, as a signed int32: the kernels keep every
 * hash in Int32Arrays, as unsigned values above 2^31 would leave V8's int32 fast path.
 */
function hash32(x: number): number {
  return mix((x >>> 0) ^ Math.imul((x / 0x1_0000_0000) >>> 0, 0x9e3779b9));
}

/** The same hash as an unsigned 32-bit number. */
export function hashKey(x: number): number {
  return hash32(x) >>> 0;
}

function pow2AtLeast(n: number): number {
  let p = 16;
  while (p < n) p *= 2;
  return p;
}

/** Partition bits for `rows` keys: about 4,096 keys a partition, at most 1,024 partitions. */
export function partitionBits(rows: number): number {
  let bits = 0;
  while (bits < 10 && rows >> bits > 4096) bits++;
  return bits;
}

/** Copies positions [start, end)'s incoming key, birth date and kana into partition order. */
function gatherIncoming(
  incoming: IncomingMatchColumns,
  order: Int32Array,
  start: number,
  end: number,
  keys: Float64Array,
  birthDays: Int32Array,
  kanaId: Uint32Array,
): void {
  const num = incoming.myNumber;
  const birth = incoming.birthDays;
  const kana = incoming.kanaId;
  for (let i = start; i < end; i++) {
    const r = order[i]!;
    keys[i] = num[r]!;
    birthDays[i] = birth[r]!;
    kanaId[i] = kana[r]!;
  }
}

/** Fills one partition's filter and table from its positions [start, end). */
function fillPartition(
  index: IncomingIndex,
  p: number,
  start: number,
  end: number,
  sortedHash: Int32Array,
  tails: Int32Array,
): void {
  const { tags, heads, next, keys, filter, filterWords, partitionCapacity: capacity } = index;
  const base = p * capacity;
  const fbase = p * filterWords;
  const pmask = capacity - 1;
  const fmask = filterWords - 1;
  for (let i = start; i < end; i++) {
    const h = sortedHash[i]!;
    const x = keys[i]!;
    filter[fbase + (h & fmask)]! |= filterMask(h);
    let slot = h & pmask;
    for (;;) {
      const head = heads[base + slot]!;
      if (head === -1) {
        heads[base + slot] = i;
        tags[base + slot] = h;
        tails[slot] = i;
        break;
      }
      if (tags[base + slot] === h && keys[head] === x) {
        next[tails[slot]!] = i;
        tails[slot] = i;
        break;
      }
      slot = (slot + 1) & pmask;
    }
  }
}

/**
 * Indexes the incoming My Numbers (later rows with the same number are chained after earlier).
 * Rows are first ordered by partition (the scan's own hash and scatter passes: a stable counting
 * sort), then each partition's table is filled while it is in cache. Each pass is a small
 * function of its own, so that V8 optimizes it on its own type feedback.
 */
export function buildIncomingIndex(incoming: IncomingMatchColumns, shared = false): IncomingIndex {
  const plan = planIncomingIndex(incoming, shared);
  fillPartitions(incoming, plan, 0, 1 << plan.index.bits);
  return plan.index;
}

/**
 * An index with its rows ordered by partition but its tables not yet filled: partitions are
 * independent, so threads can fill them (`fillPartitions`) in parallel over shared memory.
 */
export interface IndexPlan {
  index: IncomingIndex;
  /** Hash of the row at each position. */
  sortedHash: Int32Array;
  /** Partition p's positions are [bounds[p], bounds[p + 1]). */
  bounds: Int32Array;
}

export function planIncomingIndex(incoming: IncomingMatchColumns, shared = false): IndexPlan {
  const rows = incoming.length;
  const bits = partitionBits(rows);
  const parts = 1 << bits;
  const buf = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const hashes = new Int32Array(rows);
  const offsets = new Int32Array(parts + 1);
  hashAndCount(incoming.myNumber, rows, hashes, offsets, bits);
  let max = 0;
  for (let p = 0; p < parts; p++) max = Math.max(max, offsets[p + 1]! - offsets[p]!);
  const bounds = new Int32Array(buf((parts + 1) * 4));
  bounds.set(offsets);
  const order = new Int32Array(buf(rows * 4));
  const sortedHash = new Int32Array(buf(rows * 4));
  scatter(rows, hashes, offsets, bits, sortedHash, order);
  const capacity = pow2AtLeast(max * 2);
  const filterWords = Math.min(4096, pow2AtLeast(Math.ceil(max / 4)));
  const index: IncomingIndex = {
    bits,
    partitionCapacity: capacity,
    tags: new Int32Array(buf(parts * capacity * 4)),
    heads: new Int32Array(buf(parts * capacity * 4)).fill(-1),
    next: new Int32Array(buf(Math.max(1, rows) * 4)).fill(-1),
    rows: order,
    keys: new Float64Array(buf(rows * 8)),
    birthDays: new Int32Array(buf(rows * 4)),
    kanaId: new Uint32Array(buf(rows * 4)),
    filterWords,
    filter: new Int32Array(buf(parts * filterWords * 4)),
  };
  return { index, sortedHash, bounds };
}

/** Fills partitions [from, to) of a planned index: their rows' columns, filters and tables. */
export function fillPartitions(
  incoming: IncomingMatchColumns,
  plan: IndexPlan,
  from: number,
  to: number,
  tails = new Int32Array(plan.index.partitionCapacity),
): void {
  const { index, sortedHash, bounds } = plan;
  for (let p = from; p < to; p++) {
    const start = bounds[p]!;
    const end = bounds[p + 1]!;
    gatherIncoming(incoming, index.rows, start, end, index.keys, index.birthDays, index.kanaId);
    fillPartition(index, p, start, end, sortedHash, tails);
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

/**
 * Working memory of a scan, kept by a worker across its tasks: fresh memory is faulted in page
 * by page, which on a VM costs more than the scan itself.
 */
export class ScanScratch {
  hashes = new Int32Array(0);
  sortedHash = new Int32Array(0);
  sortedIndex = new Int32Array(0);
  offsets = new Int32Array(0);
  matches: RangeMatches = {
    count: 0,
    rows: new Int32Array(1024),
    existing: new Int32Array(1024),
    kinds: new Uint8Array(1024),
  };

  reserve(records: number, parts: number): void {
    if (this.hashes.length < records) {
      this.hashes = new Int32Array(records);
      this.sortedHash = new Int32Array(records);
      this.sortedIndex = new Int32Array(records);
    }
    if (this.offsets.length < parts + 1) this.offsets = new Int32Array(parts + 1);
  }
}

/**
 * Streams existing records [from, to) through the incoming index: hash and scatter the range by
 * partition, then probe one partition's filter and table at a time (cache-resident). The matches
 * are in `scratch.matches` (a fresh scratch unless given) until its next scan; with `append`,
 * after the ones already there.
 */
export function scanExistingRange(
  existing: ExistingColumns,
  incoming: IncomingMatchColumns,
  index: IncomingIndex,
  from: number,
  to: number,
  scratch: ScanScratch = new ScanScratch(),
  append = false,
): RangeMatches {
  const n = Math.max(0, to - from);
  const block: ExistingColumns = {
    length: n,
    myNumber: existing.myNumber.subarray(from, from + n),
    birthDays: existing.birthDays.subarray(from, from + n),
    kanaId: existing.kanaId.subarray(from, from + n),
  };
  return scanExistingBlock(block, from, incoming, index, scratch, append);
}

/** Pass 1: hash every key and count the keys of each partition (offsets[p + 1]). */
function hashAndCount(
  keys: Float64Array,
  n: number,
  hashes: Int32Array,
  offsets: Int32Array,
  bits: number,
): void {
  const shift = 32 - bits;
  const parts = 1 << bits;
  offsets.fill(0, 0, parts + 1);
  for (let i = 0; i < n; i++) {
    const h = hash32(keys[i]!);
    hashes[i] = h;
    offsets[(bits === 0 ? 0 : h >>> shift) + 1]!++;
  }
  for (let p = 0; p < parts; p++) offsets[p + 1]! += offsets[p]!;
}

/** Pass 2: scatter (hash, record) by partition; offsets[p] ends as partition p's end. */
function scatter(
  n: number,
  hashes: Int32Array,
  offsets: Int32Array,
  bits: number,
  sortedHash: Int32Array,
  sortedIndex: Int32Array,
): void {
  const shift = 32 - bits;
  for (let i = 0; i < n; i++) {
    const h = hashes[i]!;
    const at = offsets[bits === 0 ? 0 : h >>> shift]!++;
    sortedHash[at] = h;
    sortedIndex[at] = i;
  }
}

/** Appends (row, existing, kind) for every incoming row chained from position `head`. */
function emit(
  out: RangeMatches,
  head: number,
  index: IncomingIndex,
  existing: number,
  birth: number,
  kana: number,
): void {
  const { next, rows, birthDays, kanaId } = index;
  for (let q = head; q !== -1; q = next[q]!) {
    if (out.count === out.rows.length) {
      const size = out.count * 2;
      const grownRows = new Int32Array(size);
      grownRows.set(out.rows);
      const ex = new Int32Array(size);
      ex.set(out.existing);
      const kinds = new Uint8Array(size);
      kinds.set(out.kinds);
      out.rows = grownRows;
      out.existing = ex;
      out.kinds = kinds;
    }
    out.rows[out.count] = rows[q]!;
    out.existing[out.count] = existing;
    out.kinds[out.count] =
      birthDays[q] !== birth ? KIND_BIRTH : kanaId[q] !== kana ? KIND_KANA : KIND_SAME;
    out.count++;
  }
}

/** Pass 3: partition by partition, filter then table; matches go to `out`. */
function probe(
  block: ExistingColumns,
  base: number,
  index: IncomingIndex,
  offsets: Int32Array,
  sortedHash: Int32Array,
  sortedIndex: Int32Array,
  out: RangeMatches,
): void {
  const { tags, heads, keys, bits, partitionCapacity: capacity, filter, filterWords } = index;
  const exNum = block.myNumber;
  const pmask = capacity - 1;
  const fmask = filterWords - 1;
  const parts = 1 << bits;
  let start = 0;
  for (let p = 0; p < parts; p++) {
    const tableBase = p * capacity;
    const filterBase = p * filterWords;
    const end = offsets[p]!;
    for (let i = start; i < end; i++) {
      const h = sortedHash[i]!;
      const m = filterMask(h);
      if ((filter[filterBase + (h & fmask)]! & m) !== m) continue;
      let slot = h & pmask;
      let head = heads[tableBase + slot]!;
      while (head !== -1) {
        if (tags[tableBase + slot] === h) {
          const local = sortedIndex[i]!;
          if (keys[head] === exNum[local]) {
            emit(out, head, index, base + local, block.birthDays[local]!, block.kanaId[local]!);
            break;
          }
        }
        slot = (slot + 1) & pmask;
        head = heads[tableBase + slot]!;
      }
    }
    start = end;
  }
}

/**
 * The scan over one block of existing records held in its own arrays (read from a file, say):
 * block record i is existing record `base + i`.
 */
export function scanExistingBlock(
  block: ExistingColumns,
  base: number,
  incoming: IncomingMatchColumns,
  index: IncomingIndex,
  scratch: ScanScratch = new ScanScratch(),
  append = false,
): RangeMatches {
  const n = block.length;
  scratch.reserve(n, 1 << index.bits);
  const { hashes, sortedHash, sortedIndex, offsets } = scratch;
  hashAndCount(block.myNumber, n, hashes, offsets, index.bits);
  scatter(n, hashes, offsets, index.bits, sortedHash, sortedIndex);
  const out = scratch.matches;
  if (!append) out.count = 0;
  probe(block, base, index, offsets, sortedHash, sortedIndex, out);
  return out;
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
