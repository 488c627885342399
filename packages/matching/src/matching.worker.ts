import { closeSync, openSync, readSync } from 'node:fs';
import { Piscina } from 'piscina';
import {
  fillPartitions,
  packMatches,
  scanExistingBlock,
  scanExistingRange,
  ScanScratch,
  type ExistingColumnFile,
  type ExistingColumns,
  type IncomingIndex,
  type IndexPlan,
} from './kernel.js';

/**
 * A piscina task: scan ranges of `rangeSize` existing records, taking the next range number from
 * `cursor[0]` (shared by every worker's task, Atomics) until the ranges run out; `cursor[1]`
 * counts the records scanned. The columns and the index live on SharedArrayBuffers, so passing
 * them costs nothing; or the existing records stay in their column file and the worker reads each
 * range into memory it reuses from task to task. The matches come back moved, not copied.
 */
export interface ScanTask {
  existing: ExistingColumns | ExistingColumnFile;
  incoming: ExistingColumns;
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

/** A piscina task: fill partitions of a planned index, taking them from `cursor[0]`. */
export interface FillTask {
  fill: IndexPlan;
  incoming: ExistingColumns;
  cursor: Int32Array;
}

let tails = new Int32Array(0);

function fill(task: FillTask): null {
  const { fill: plan, incoming, cursor } = task;
  const parts = 1 << plan.index.bits;
  if (tails.length < plan.index.partitionCapacity) {
    tails = new Int32Array(plan.index.partitionCapacity);
  }
  // Partitions in runs of 8: few atomics, still even shares.
  for (;;) {
    const from = Atomics.add(cursor, 0, 8);
    if (from >= parts) return null;
    fillPartitions(incoming, plan, from, Math.min(parts, from + 8), tails);
  }
}

export default function run(task: ScanTask | FillTask): unknown {
  return 'fill' in task ? fill(task) : scan(task);
}

function scan(task: ScanTask): unknown {
  const { existing, incoming, index, total, rangeSize, cursor } = task;
  scratch.matches.count = 0;
  for (;;) {
    const from = Atomics.add(cursor, 0, 1) * rangeSize;
    if (from >= total) break;
    const to = Math.min(total, from + rangeSize);
    if ('path' in existing) {
      scanExistingBlock(readBlock(existing, from, to), from, incoming, index, scratch, true);
    } else {
      scanExistingRange(existing, incoming, index, from, to, scratch, true);
    }
    Atomics.add(cursor, 1, to - from);
  }
  return Piscina.move(packMatches(scratch.matches));
}
