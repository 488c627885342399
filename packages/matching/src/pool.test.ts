import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CURRENT_POLICY } from '@shikaku/core/mis-entry';
import {
  buildIncomingIndex,
  createMatchState,
  decideOutcomes,
  mergeMatches,
  NONE,
  scanExistingRange,
  type ExistingColumns,
} from './kernel.js';
import { createMatchingPool } from './pool.js';
import { seededRandom } from '@shikaku/core/seeded-random';

function columns(n: number, next: () => number, numbers: number): ExistingColumns {
  const c: ExistingColumns = {
    length: n,
    myNumber: new Float64Array(n),
    birthDays: new Int32Array(n),
    kanaId: new Uint32Array(n),
  };
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
  const state = createMatchState(incoming.length);
  mergeMatches(state, scanExistingRange(existing, incoming, index, 0, existing.length));
  return decideOutcomes(state, asOf, CURRENT_POLICY);
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
  for (let e = 0; e < existing.length; e++) {
    for (const r of rowsOf.get(existing.myNumber[e]!) ?? []) {
      state.hasHistory[r] = 1;
      if (existing.birthDays[e] !== incoming.birthDays[r]) {
        if (state.firstBirth[r] === NONE) state.firstBirth[r] = e;
      } else if (existing.kanaId[e] !== incoming.kanaId[r] && state.firstKana[r] === NONE) {
        state.firstKana[r] = e;
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
