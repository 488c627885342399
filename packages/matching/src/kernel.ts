import {
  MIS_ENTRY_OUTCOMES,
  MIS_ENTRY_RULES,
  SEED_POLICY,
  type MisEntryOutcomeCode,
  type MisEntryPolicy,
} from '@shikaku/core/mis-entry';

/**
 * The column kernels of the bulk engine. Existing records and incoming registrations are columns:
 * the My Number as a double (or any integer id in [0, 2^53)), the birth date and the kana name as
 * integers that are equal exactly when core's comparison says equal (days; canonical kana ids).
 * The engine is core's classifyRegistration with `jlis` not yet queried (NEEDS_JLIS is where
 * J-LIS comes in), against the existing records only (rows of the same batch are not each
 * other's history).
 *
 * Plan: index the incoming side (the small one) in partitioned open-addressing tables with a
 * Bloom filter in front, stream the existing side through it in index ranges (taken by any
 * thread), and keep per incoming row the first existing record whose birth date differs and the
 * first with the same birth date and another kana, as core reports them.
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
 * TLB (a single table over 10M keys would miss both on every probe). A slot is a (hash tag,
 * position + 1) pair of Int32s, side by side so a probe touches one cache line; 0 marks an empty
 * slot, so fresh (zeroed) memory needs no filling. In front of each table, a small blocked Bloom
 * filter (two bits in one 32-bit word, ~13–16 bits a key) that fits in the L1/L2 cache while its
 * partition is probed: most existing records have no incoming row, and the filter turns them
 * away without touching the table. The incoming rows are kept in partition order (position →
 * row, key's high bits, birth date, kana), so a match reads only the partition being probed.
 *
 * Keys are integer-valued doubles in [0, 2^53). Two keys are equal exactly when their hashes and
 * their high 32 bits (⌊x / 2^32⌋) are: the hash is a bijection of (low 32 bits) XOR (a function of
 * the high bits), so equal hashes and equal high bits leave equal low bits. The index keeps the
 * high bits only, half the memory of the keys.
 */
export interface IncomingIndex {
  bits: number;
  /** Slots per partition (a power of two). */
  partitionCapacity: number;
  /** Partition p's positions are [bounds[p], bounds[p + 1]). */
  bounds: Int32Array;
  /**
   * (tag, position + 1) pairs; partition p's at [2·p·capacity, 2·(p+1)·capacity). −(position + 1)
   * when more positions have the key: they are chained in `next`.
   */
  slots: Int32Array;
  /** Next position + 1 with the same key, 0 at the end of the chain (touched for repeats only). */
  next: Int32Array;
  /** The incoming rows in partition order: position → row. */
  rows: Int32Array;
  /**
   * Position i's entry at [6i, 6i + 6): key high bits, birth date, kana (as int32), then its match
   * state (`MatchState`: first birth-date conflict, first kana conflict, history; the history
   * flag's place holds the key hash until the partition's table is filled). One
   * array, so that filling it writes one stream per partition (a few thousand streams, one per
   * array, would miss the TLB on every write; on a VM each miss walks two page tables) and a match
   * touches one cache line of it.
   */
  entries: Int32Array;
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

/** ⌊x / 2^32⌋ of an integer-valued double in [0, 2^53). */
function high32(x: number): number {
  return (x / 0x1_0000_0000) | 0;
}

/**
 * 32-bit hash of an integer-valued double in [0, 2^53), as a signed int32 (the kernels keep every
 * hash in Int32Arrays: unsigned values above 2^31 would leave V8's int32 fast path).
 */
function hash32(x: number): number {
  return mix((x >>> 0) ^ Math.imul(high32(x), 0x9e3779b9));
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

/** Int32s per index entry and per scan bucket entry. */
const ENTRY = 6;
const BUCKET = 5;

function partitionOf(h: number, bits: number): number {
  return bits === 0 ? 0 : h >>> (32 - bits);
}

/**
 * Typed arrays carved out of one buffer (8-byte aligned). One big SharedArrayBuffer is mapped
 * lazily and zeroed by the kernel page by page as threads first touch it, where many smaller ones
 * would each be zero-filled up front by the allocating thread.
 */
function carve<T extends Record<string, [number, number]>>(
  sizes: T,
  shared: boolean,
): { [K in keyof T]: Int32Array } {
  let bytes = 0;
  for (const [count, size] of Object.values(sizes)) bytes += Math.ceil((count * size) / 8) * 8;
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const out: Record<string, Int32Array> = {};
  let at = 0;
  for (const [name, [count, size]] of Object.entries(sizes)) {
    out[name] = new Int32Array(buffer, at, (count * size) / 4);
    at += Math.ceil((count * size) / 8) * 8;
  }
  return out as { [K in keyof T]: Int32Array };
}

/**
 * Building an index in steps that threads can share: the rows are cut into `chunks` chunks;
 * each chunk is counted per partition (`countChunk`), the index is laid out from the counts
 * (`layoutIndex`), each chunk copies its rows to their positions (`scatterChunk`: a stable
 * counting sort, so a partition's rows stay in row order), and the partitions' filters and tables
 * are filled (`fillPartitions`). Chunks and partitions are independent within a step.
 */
export interface IndexBuild {
  rows: number;
  bits: number;
  chunks: number;
  chunkRows: number;
  /** chunks × partitions: each chunk's count per partition, then its next position in each. */
  cursors: Int32Array;
}

export function startIndexBuild(rows: number, chunks: number, shared = false): IndexBuild {
  const bits = partitionBits(rows);
  const n = Math.max(1, Math.floor(chunks));
  const bytes = n * (1 << bits) * 4;
  return {
    rows,
    bits,
    chunks: n,
    chunkRows: Math.ceil(rows / n),
    cursors: new Int32Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)),
  };
}

/** Step 1 for chunk `c`: count its keys per partition. */
export function countChunk(incoming: IncomingMatchColumns, build: IndexBuild, c: number): void {
  const { bits, cursors, chunkRows } = build;
  const keys = incoming.myNumber;
  const base = c << bits;
  const end = Math.min(build.rows, (c + 1) * chunkRows);
  for (let r = c * chunkRows; r < end; r++) {
    cursors[base + partitionOf(hash32(keys[r]!), bits)]!++;
  }
}

/** Step 2 (one thread): partition bounds and each chunk's first position; the index's memory. */
export function layoutIndex(build: IndexBuild, shared = false): IncomingIndex {
  const { rows, bits, chunks, cursors } = build;
  const parts = 1 << bits;
  const bounds = new Int32Array(parts + 1);
  let at = 0;
  let max = 0;
  for (let p = 0; p < parts; p++) {
    bounds[p] = at;
    for (let c = 0; c < chunks; c++) {
      const k = cursors[(c << bits) + p]!;
      cursors[(c << bits) + p] = at;
      at += k;
    }
    max = Math.max(max, at - bounds[p]!);
  }
  bounds[parts] = at;
  // Load factor ≤ ~0.65: the filter stops most misses before the table.
  const capacity = pow2AtLeast(Math.ceil(max * 1.5));
  const filterWords = Math.min(4096, pow2AtLeast(Math.ceil(max / 4)));
  const n = Math.max(1, rows);
  const m = carve(
    {
      bounds: [parts + 1, 4],
      slots: [parts * capacity * 2, 4],
      next: [n, 4],
      rows: [n, 4],
      entries: [n * ENTRY, 4],
      filter: [parts * filterWords, 4],
    },
    shared,
  );
  m.bounds.set(bounds);
  return {
    bits,
    partitionCapacity: capacity,
    bounds: m.bounds,
    slots: m.slots,
    next: m.next,
    rows: m.rows,
    entries: m.entries,
    filterWords,
    filter: m.filter,
  };
}

/** Step 3 for chunk `c`: copy its rows' row number, key bits, birth date and kana to positions. */
export function scatterChunk(
  incoming: IncomingMatchColumns,
  build: IndexBuild,
  index: IncomingIndex,
  c: number,
): void {
  const { bits, cursors, chunkRows } = build;
  const { rows, entries } = index;
  const num = incoming.myNumber;
  const birth = incoming.birthDays;
  const kana = incoming.kanaId;
  const base = c << bits;
  const end = Math.min(build.rows, (c + 1) * chunkRows);
  for (let r = c * chunkRows; r < end; r++) {
    const x = num[r]!;
    const h = hash32(x);
    const at = cursors[base + partitionOf(h, bits)]!++;
    rows[at] = r;
    const o = at * ENTRY;
    entries[o] = high32(x);
    entries[o + 1] = birth[r]!;
    entries[o + 2] = kana[r]! | 0;
    entries[o + HASH] = h;
  }
}

/** Step 4: fill partitions [from, to)'s filters and tables (a key's positions are chained). */
export function fillPartitions(index: IncomingIndex, from: number, to: number): void {
  const { slots, next, entries, filter, filterWords, bounds } = index;
  const pmask = index.partitionCapacity - 1;
  const fmask = filterWords - 1;
  for (let p = from; p < to; p++) {
    const base = p * index.partitionCapacity * 2;
    const fbase = p * filterWords;
    const end = bounds[p + 1]!;
    for (let i = bounds[p]!; i < end; i++) {
      const c = i * ENTRY;
      const h = entries[c + HASH]!;
      const hi = entries[c]!;
      // The hash's place becomes the state's history flag; nothing found yet.
      entries[c + STATE + CELL_HISTORY] = 0;
      entries[c + STATE + CELL_BIRTH] = NONE;
      entries[c + STATE + CELL_KANA] = NONE;
      filter[fbase + (h & fmask)]! |= filterMask(h);
      let slot = h & pmask;
      for (;;) {
        const o = base + slot * 2;
        const head = slots[o + 1]!;
        if (head === 0) {
          slots[o] = h;
          slots[o + 1] = i + 1;
          break;
        }
        const first = head > 0 ? head : -head;
        if (slots[o] === h && entries[(first - 1) * ENTRY] === hi) {
          next[i] = first;
          slots[o + 1] = -(i + 1);
          break;
        }
        slot = (slot + 1) & pmask;
      }
    }
  }
}

/** Indexes the incoming rows in the calling thread. */
export function buildIncomingIndex(incoming: IncomingMatchColumns, shared = false): IncomingIndex {
  const build = startIndexBuild(incoming.length, 1, shared);
  countChunk(incoming, build, 0);
  const index = layoutIndex(build, shared);
  scatterChunk(incoming, build, index, 0);
  fillPartitions(index, 0, 1 << build.bits);
  return index;
}

/**
 * Per incoming row (or index position): whether it has history, and the first existing record
 * whose birth date differs / with the same birth date and another kana (NONE if none), in a cell
 * of three int32s (CELL_BIRTH, CELL_KANA, CELL_HISTORY) at `cells[i·stride + offset]`. The
 * index keeps its state in its entries (`matchStateOf`), so that a match updates the cache line
 * it has just read; the cells may be shared, and scans on several threads fold into them (first
 * records by atomic minimum).
 */
export interface MatchState {
  length: number;
  stride: number;
  offset: number;
  cells: Int32Array;
}

export const CELL_BIRTH = 0;
export const CELL_KANA = 1;
export const CELL_HISTORY = 2;
/** Where an index entry's cell starts, and where its hash is until the index is filled. */
const STATE = 3;
const HASH = STATE + CELL_HISTORY;

/** A state of its own for `rows` rows, nothing found yet. */
export function createMatchState(rows: number): MatchState {
  const cells = new Int32Array(rows * 3);
  for (let i = 0; i < rows; i++) {
    cells[i * 3 + CELL_BIRTH] = NONE;
    cells[i * 3 + CELL_KANA] = NONE;
  }
  return { length: rows, stride: 3, offset: 0, cells };
}

/** The index's own state, by position (filled with the index: nothing found yet). */
export function matchStateOf(index: IncomingIndex): MatchState {
  return {
    length: index.bounds[1 << index.bits]!,
    stride: ENTRY,
    offset: STATE,
    cells: index.entries,
  };
}

function atomicMin(a: Int32Array, i: number, value: number): void {
  let current = a[i]!;
  while (value < current) {
    const seen = Atomics.compareExchange(a, i, current, value);
    if (seen === current) return;
    current = seen;
  }
}

/**
 * Existing record `e` (hash `h`, key high bits `hi`, in partition `p`) against the table: folds
 * every incoming row with its key into the state; returns how many (incoming, existing) pairs.
 */
function probeRecord(
  index: IncomingIndex,
  p: number,
  h: number,
  hi: number,
  birth: number,
  kana: number,
  e: number,
): number {
  const { slots, entries, next, partitionCapacity: capacity } = index;
  const pmask = capacity - 1;
  const base = p * capacity * 2;
  let slot = h & pmask;
  for (;;) {
    const o = base + slot * 2;
    const head = slots[o + 1]!;
    if (head === 0) return 0;
    const first = head > 0 ? head : -head;
    if (slots[o] === h && entries[(first - 1) * ENTRY] === hi) {
      let pairs = 0;
      for (let q = first; q !== 0; q = head > 0 ? 0 : next[q - 1]!) {
        const c = (q - 1) * ENTRY;
        pairs++;
        entries[c + STATE + CELL_HISTORY] = 1;
        if (entries[c + 1] !== birth) atomicMin(entries, c + STATE + CELL_BIRTH, e);
        else if (entries[c + 2] !== kana) atomicMin(entries, c + STATE + CELL_KANA, e);
      }
      return pairs;
    }
    slot = (slot + 1) & pmask;
  }
}

/**
 * Working memory of a scan, kept by a worker across its ranges: per partition a bucket of
 * records (hash, record number, key high bits, birth date, kana), sized for an even spread plus
 * a margin (fresh memory is faulted in page by page, which on a VM costs more than the scan).
 */
export class ScanScratch {
  /** Bucket entries of BUCKET int32s: hash, record, key high bits, birth date, kana. */
  buckets = new Int32Array(0);
  counts = new Int32Array(0);
  bucketSize = 0;

  reserve(records: number, parts: number): void {
    this.bucketSize = Math.ceil((records / parts) * 1.25) + 32;
    const total = this.bucketSize * parts * BUCKET;
    if (this.buckets.length < total) this.buckets = new Int32Array(total);
    if (this.counts.length < parts) this.counts = new Int32Array(parts);
  }
}

/**
 * Pass 1: put every record in its partition's bucket, whole, so that pass 2 reads nothing else;
 * a record whose bucket is full (an uneven range) is probed at once. Returns the pairs found so.
 */
function scatterBlock(
  block: ExistingColumns,
  base: number,
  index: IncomingIndex,
  scratch: ScanScratch,
): number {
  const { bits } = index;
  const { buckets, counts, bucketSize } = scratch;
  const num = block.myNumber;
  const births = block.birthDays;
  const kanas = block.kanaId;
  const n = block.length;
  counts.fill(0, 0, 1 << bits);
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    const x = num[i]!;
    const h = hash32(x);
    const p = partitionOf(h, bits);
    const k = counts[p]!;
    if (k < bucketSize) {
      const at = (p * bucketSize + k) * BUCKET;
      buckets[at] = h;
      buckets[at + 1] = i;
      buckets[at + 2] = high32(x);
      buckets[at + 3] = births[i]!;
      buckets[at + 4] = kanas[i]! | 0;
      counts[p] = k + 1;
    } else {
      pairs += probeRecord(index, p, h, high32(x), births[i]!, kanas[i]! | 0, base + i);
    }
  }
  return pairs;
}

/** Pass 2: partition by partition, filter then table (both in cache while the partition lasts). */
function probeBuckets(base: number, index: IncomingIndex, scratch: ScanScratch): number {
  const { bits, filter, filterWords } = index;
  const { buckets, counts, bucketSize } = scratch;
  const fmask = filterWords - 1;
  const parts = 1 << bits;
  let pairs = 0;
  for (let p = 0; p < parts; p++) {
    const filterBase = p * filterWords;
    const start = p * bucketSize * BUCKET;
    const end = start + counts[p]! * BUCKET;
    for (let k = start; k < end; k += BUCKET) {
      const h = buckets[k]!;
      const m = filterMask(h);
      if ((filter[filterBase + (h & fmask)]! & m) !== m) continue;
      pairs += probeRecord(
        index,
        p,
        h,
        buckets[k + 2]!,
        buckets[k + 3]!,
        buckets[k + 4]!,
        base + buckets[k + 1]!,
      );
    }
  }
  return pairs;
}

/**
 * Streams one block of existing records (held in its own arrays: read from a file, say; block
 * record i is existing record `base + i`) through the incoming index, folding what it finds into
 * the index's match state (`matchStateOf`). Returns the number of (incoming, existing) pairs with the same My Number.
 */
export function scanExistingBlock(
  block: ExistingColumns,
  base: number,
  index: IncomingIndex,
  scratch: ScanScratch = new ScanScratch(),
): number {
  scratch.reserve(block.length, 1 << index.bits);
  const pairs = scatterBlock(block, base, index, scratch);
  return pairs + probeBuckets(base, index, scratch);
}

/** The same over existing records [from, to) of in-memory columns. */
export function scanExistingRange(
  existing: ExistingColumns,
  index: IncomingIndex,
  from: number,
  to: number,
  scratch: ScanScratch = new ScanScratch(),
): number {
  const n = Math.max(0, to - from);
  const block: ExistingColumns = {
    length: n,
    myNumber: existing.myNumber.subarray(from, from + n),
    birthDays: existing.birthDays.subarray(from, from + n),
    kanaId: existing.kanaId.subarray(from, from + n),
  };
  return scanExistingBlock(block, from, index, scratch);
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
 * core's classifyRegistration (jlis not yet queried) from the folded state, per incoming row:
 * state position i is row `rows[i]` (the index's partition order; the identity if omitted).
 * Which rules are in force depends only on the date and policy, so it is decided once for the
 * batch.
 */
export function decideOutcomes(
  state: MatchState,
  asOf: string,
  policy: MisEntryPolicy = SEED_POLICY,
  rows?: Int32Array,
): OutcomeColumns {
  const n = state.length;
  const result = { code: new Uint8Array(n), conflictingRecord: new Int32Array(n) };
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
  const { cells, stride } = state;
  for (let r = 0; r < n; r++) {
    let code: number;
    let conflict = -1;
    const c = r * stride + state.offset;
    const history = cells[c + CELL_HISTORY] === 1;
    const firstBirth = cells[c + CELL_BIRTH]!;
    const firstKana = cells[c + CELL_KANA]!;
    if (history && birthInForce && firstBirth !== NONE) {
      code = BIRTH;
      conflict = firstBirth;
    } else if (history && kanaInForce && firstKana !== NONE) {
      code = KANA;
      conflict = firstKana;
    } else if (everyJlis || (!history && noHistoryJlis)) {
      code = NEEDS_JLIS;
    } else if (history && birthInForce) {
      code = CONSISTENT;
    } else {
      code = NOT_CHECKED;
    }
    const row = rows === undefined ? r : rows[r]!;
    result.code[row] = code;
    result.conflictingRecord[row] = conflict;
  }
  return result;
}
