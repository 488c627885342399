import { closeSync, openSync, readSync } from 'node:fs';
import {
  countChunk,
  fillPartitions,
  scanExistingBlock,
  scanExistingRange,
  scatterChunk,
  ScanScratch,
  type ExistingColumnFile,
  type ExistingColumns,
  type IncomingIndex,
  type IndexBuild,
} from './kernel.js';

/**
 * The pool's tasks. Columns and the index (with its match state) live on SharedArrayBuffers, so
 * passing them costs nothing and every worker folds its matches into the one state (atomic
 * minimum).
 *
 * - count / scatter: one chunk of the incoming rows, steps 1 and 3 of the index build.
 * - fill: partitions of the index, taken from `cursor[0]` (Atomics) until none is left.
 * - scan: ranges of `rangeSize` existing records, the next range number from `cursor[0]` (shared
 *   by every worker's task) until the ranges run out; `cursor[1]` counts the records scanned. The
 *   existing records are in memory or stay in their column file, and the worker reads each range
 *   into memory it reuses from task to task. Returns the (incoming, existing) pairs found.
 */
export type MatchingTask =
  | {
      step: 'count' | 'scatter';
      incoming: ExistingColumns;
      build: IndexBuild;
      index?: IncomingIndex;
      chunk: number;
    }
  | {
      step: 'fill';
      index: IncomingIndex;
      cursor: Int32Array;
    }
  | ScanTask;

export interface ScanTask {
  step: 'scan';
  existing: ExistingColumns | ExistingColumnFile;
  index: IncomingIndex;
  total: number;
  rangeSize: number;
  cursor: Int32Array;
}

const scratch = new ScanScratch();
let block: ExistingColumns = {
  length: 0,
  myNumber: new Float64Array(0),
  birthDays: new Int32Array(0),
  kanaId: new Uint32Array(0),
};

function readFully(fd: number, into: Uint8Array, position: number, path: string): void {
  for (let done = 0; done < into.length;) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new Error(`${path}: ends before byte ${position + into.length}`);
    done += n;
  }
}

/** Reads existing records [from, to) of a column file into the worker's block arrays. */
function readBlock(file: ExistingColumnFile, from: number, to: number): ExistingColumns {
  const n = to - from;
  if (block.myNumber.length < n) {
    block = {
      length: n,
      myNumber: new Float64Array(n),
      birthDays: new Int32Array(n),
      kanaId: new Uint32Array(n),
    };
  }
  const fd = openSync(file.path, 'r');
  try {
    for (const name of ['myNumber', 'birthDays', 'kanaId'] as const) {
      const a = block[name];
      const size = a.BYTES_PER_ELEMENT;
      readFully(
        fd,
        new Uint8Array(a.buffer, 0, n * size),
        file.offsets[name] + from * size,
        file.path,
      );
    }
  } finally {
    closeSync(fd);
  }
  return {
    length: n,
    myNumber: block.myNumber.subarray(0, n),
    birthDays: block.birthDays.subarray(0, n),
    kanaId: block.kanaId.subarray(0, n),
  };
}

function scan(task: ScanTask): number {
  const { existing, index, total, rangeSize, cursor } = task;
  let pairs = 0;
  for (;;) {
    const from = Atomics.add(cursor, 0, 1) * rangeSize;
    if (from >= total) return pairs;
    const to = Math.min(total, from + rangeSize);
    pairs +=
      'path' in existing
        ? scanExistingBlock(readBlock(existing, from, to), from, index, scratch)
        : scanExistingRange(existing, index, from, to, scratch);
    Atomics.add(cursor, 1, to - from);
  }
}

export default function run(task: MatchingTask): number | null {
  switch (task.step) {
    case 'count':
      countChunk(task.incoming, task.build, task.chunk);
      return null;
    case 'scatter':
      scatterChunk(task.incoming, task.build, task.index!, task.chunk);
      return null;
    case 'fill': {
      // Partitions in runs of 8: few atomics, still even shares.
      const parts = 1 << task.index.bits;
      for (;;) {
        const from = Atomics.add(task.cursor, 0, 8);
        if (from >= parts) return null;
        const to = Math.min(parts, from + 8);
        fillPartitions(task.index, from, to);
      }
    }
    case 'scan':
      return scan(task);
  }
}
