import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CURRENT_POLICY } from '@shikaku/core/mis-entry';
import {
  buildIncomingIndex,
  CELL_BIRTH,
  CELL_HISTORY,
  CELL_KANA,
  createMatchState,
  matchStateOf,
  decideOutcomes,
  NONE,
  scanExistingRange,
  type ExistingColumns,
} from './kernel.js';
import { createMatchingPool } from './pool.js';
import { seededRandom } from '@shikaku/core/seeded-random';

function emptyColumns(n: number): ExistingColumns {
  return {
    length: n,
    myNumber: new Float64Array(n),
    birthDays: new Int32Array(n),
    kanaId: new Uint32Array(n),
  };
}

function columns(n: number, next: () => number, numbers: number): ExistingColumns {
  const c = emptyColumns(n);
  for (let i = 0; i < n; i++) {
    c.myNumber[i] = 100_000_000_000 + Math.floor(next() * numbers) * 7919;
    c.birthDays[i] = Math.floor(next() * 3);
    c.kanaId[i] = Math.floor(next() * 3);
  }
  return c;
}

/** The same kernels in one thread, over the whole range at once. */
function classifyInThread(existing: ExistingColumns, incoming: ExistingColumns, asOf: string) {
  const index = buildIncomingIndex(incoming);
  scanExistingRange(existing, index, 0, existing.length);
  return decideOutcomes(matchStateOf(index), asOf, CURRENT_POLICY, index.rows);
}

/** A plain reference: a Map from number to incoming rows, existing records in index order. */
function classifyNaively(existing: ExistingColumns, incoming: ExistingColumns, asOf: string) {
  const rowsOf = new Map<number, number[]>();
  for (let r = 0; r < incoming.length; r++) {
    const list = rowsOf.get(incoming.myNumber[r]!) ?? [];
    list.push(r);
    rowsOf.set(incoming.myNumber[r]!, list);
  }
  const state = createMatchState(incoming.length);
  const { cells, stride } = state;
  for (let e = 0; e < existing.length; e++) {
    for (const r of rowsOf.get(existing.myNumber[e]!) ?? []) {
      cells[r * stride + CELL_HISTORY] = 1;
      if (existing.birthDays[e] !== incoming.birthDays[r]) {
        if (cells[r * stride + CELL_BIRTH] === NONE) cells[r * stride + CELL_BIRTH] = e;
      } else if (
        existing.kanaId[e] !== incoming.kanaId[r] &&
        cells[r * stride + CELL_KANA] === NONE
      ) {
        cells[r * stride + CELL_KANA] = e;
      }
    }
  }
  return decideOutcomes(state, asOf, CURRENT_POLICY);
}

describe('partitioned kernels', () => {
  it('find the same first conflicts as a plain Map scan (many partitions, duplicate numbers)', () => {
    const next = seededRandom(11);
    const existing = columns(300_000, next, 200_000);
    const incoming = columns(60_000, next, 200_000);
    expect(buildIncomingIndex(incoming).bits).toBeGreaterThan(2);
    const got = classifyInThread(existing, incoming, '2021-07-15');
    const want = classifyNaively(existing, incoming, '2021-07-15');
    expect(Buffer.from(got.code)).toEqual(Buffer.from(want.code));
    expect(Buffer.from(got.conflictingRecord.buffer)).toEqual(
      Buffer.from(want.conflictingRecord.buffer),
    );
  });
});

describe('kernel edge cases', () => {
  it('tells apart keys with the same hash and other high bits (x and 2^32 + (x XOR the odd constant))', () => {
    // hash32 mixes (low 32 bits) XOR (high bits × 0x9e3779b9): these pairs hash alike, and only
    // the high-bit comparison keeps them apart.
    const n = 5_000;
    const make = (high: number): ExistingColumns => {
      const c = emptyColumns(n);
      for (let i = 0; i < n; i++) {
        const low = (100_000 + i * 7919) >>> 0;
        c.myNumber[i] = high === 0 ? low : 2 ** 32 + ((low ^ 0x9e3779b9) >>> 0);
        c.birthDays[i] = i % 3;
        c.kanaId[i] = i % 5;
      }
      return c;
    };
    const incoming = make(0);
    const existing = make(1);
    // Same hashes, other numbers: no history for any row.
    const got = classifyInThread(existing, incoming, '2021-07-15');
    const want = classifyNaively(existing, incoming, '2021-07-15');
    expect(Buffer.from(got.code)).toEqual(Buffer.from(want.code));
    expect(new Set(got.code).size).toBe(1);
  });

  it('probes at once the records of a range whose partition bucket is full (one number, many records)', () => {
    const next = seededRandom(5);
    // 200k existing records with one number: its partition's bucket (an even share plus 25 %)
    // fills up, and only the last record, past it, has another birth date.
    const n = 200_000;
    const existing = emptyColumns(n);
    existing.myNumber.fill(123_456_789_018);
    existing.birthDays[n - 1] = 1;
    const incoming = columns(30_000, next, 60_000);
    incoming.myNumber[7] = 123_456_789_018;
    incoming.birthDays[7] = 0;
    const got = classifyInThread(existing, incoming, '2021-07-15');
    const want = classifyNaively(existing, incoming, '2021-07-15');
    expect(got.conflictingRecord[7]).toBe(n - 1);
    expect(Buffer.from(got.code)).toEqual(Buffer.from(want.code));
    expect(Buffer.from(got.conflictingRecord.buffer)).toEqual(
      Buffer.from(want.conflictingRecord.buffer),
    );
  });
});

describe('createMatchingPool', () => {
  const pools = [createMatchingPool({ workers: 1 }), createMatchingPool({ workers: 2 })];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('gives the same outcomes with 1 or 2 workers and any range size as one thread', async () => {
    const next = seededRandom(7);
    const existing = columns(200_000, next, 150_000);
    const incoming = columns(20_000, next, 150_000);
    const want = classifyInThread(existing, incoming, '2024-05-01');
    for (const pool of pools) {
      for (const rangeSize of [1_000, 77_777, 1_000_000]) {
        let progress = 0;
        const got = await pool.classifyColumns({
          existing,
          incoming,
          asOf: '2024-05-01',
          policy: CURRENT_POLICY,
          rangeSize,
          onProgress: (scanned) => (progress = scanned),
        });
        expect(Buffer.from(got.outcomes.code)).toEqual(Buffer.from(want.code));
        expect(Buffer.from(got.outcomes.conflictingRecord.buffer)).toEqual(
          Buffer.from(want.conflictingRecord.buffer),
        );
        expect(progress).toBe(existing.length);
        expect(got.matches).toBeGreaterThan(10_000);
      }
    }
  });

  it('reads existing records left in a column file (raw little-endian columns at offsets) to the same outcomes', async () => {
    const next = seededRandom(9);
    const existing = columns(150_000, next, 100_000);
    const incoming = columns(15_000, next, 100_000);
    const want = classifyInThread(existing, incoming, '2021-07-15');
    const dir = mkdtempSync(join(tmpdir(), 'matching-'));
    try {
      // A 40-byte header, then the columns back to back (each 8-aligned), as a column file has.
      const parts = [existing.myNumber, existing.birthDays, existing.kanaId];
      const bytes = parts.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
      const path = join(dir, 'existing.cols');
      writeFileSync(path, Buffer.concat([Buffer.alloc(40, 7), ...bytes]));
      const file = {
        path,
        length: existing.length,
        offsets: {
          myNumber: 40,
          birthDays: 40 + bytes[0]!.length,
          kanaId: 40 + bytes[0]!.length + bytes[1]!.length,
        },
      };
      for (const pool of pools) {
        for (const rangeSize of [4_096, 65_537]) {
          const got = await pool.classifyColumns({
            existing: file,
            incoming,
            asOf: '2021-07-15',
            policy: CURRENT_POLICY,
            rangeSize,
          });
          expect(Buffer.from(got.outcomes.code)).toEqual(Buffer.from(want.code));
          expect(Buffer.from(got.outcomes.conflictingRecord.buffer)).toEqual(
            Buffer.from(want.conflictingRecord.buffer),
          );
        }
      }
      await expect(
        pools[0]!.classifyColumns({
          existing: { ...file, length: existing.length + 10 },
          incoming,
          asOf: '2021-07-15',
        }),
      ).rejects.toThrow(/ends before byte/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
