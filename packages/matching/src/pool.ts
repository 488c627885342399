import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { SEED_POLICY, type MisEntryPolicy } from '@shikaku/core/mis-entry';
import { compiledWorker } from '@shikaku/platform/workers';
import {
  decideOutcomes,
  matchStateOf,
  layoutIndex,
  startIndexBuild,
  type ExistingColumnFile,
  type ExistingColumns,
  type OutcomeColumns,
} from './kernel.js';
import type { MatchingTask } from './matching.worker.js';

/**
 * The columnar engine on a piscina worker pool. Columns go to the workers once, on
 * SharedArrayBuffers; tasks carry existing-index ranges; matches come back moved. Close the pool
 * on shutdown.
 */
export interface ClassifyColumnsInput {
  /** In memory, or left in a column file that the workers read range by range. */
  existing: ExistingColumns | ExistingColumnFile;
  incoming: ExistingColumns;
  asOf: string;
  policy?: MisEntryPolicy;
  /** Existing records per task (default: 256k–1M, ~16 tasks per worker). */
  rangeSize?: number;
  /** Called after each task with the existing records scanned so far. */
  onProgress?: (scanned: number, total: number) => void;
}

export interface ClassifyColumnsResult {
  outcomes: OutcomeColumns;
  /** (incoming, existing) pairs with the same My Number. */
  matches: number;
  timings: { indexMs: number; scanMs: number; decideMs: number };
  /**
   * The process's CPU time (every thread: `process.cpuUsage`) in the same stages: on a machine
   * whose other work takes the cores by turns, it stays near the work done where wall time
   * stretches.
   */
  cpu: { indexMs: number; scanMs: number; decideMs: number };
}

export interface MatchingPool {
  readonly workers: number;
  /** Starts every worker thread and loads its code (so a first batch does not pay for it). */
  warm(): Promise<void>;
  classifyColumns(input: ClassifyColumnsInput): Promise<ClassifyColumnsResult>;
  close(): Promise<void>;
}

function isShared(a: { buffer: ArrayBufferLike }): boolean {
  return a.buffer instanceof SharedArrayBuffer;
}

/** Copies columns onto SharedArrayBuffers unless they already are. */
export function shareColumns(c: ExistingColumns): ExistingColumns {
  if (isShared(c.myNumber) && isShared(c.birthDays) && isShared(c.kanaId)) return c;
  const copy = <T extends Float64Array | Int32Array | Uint32Array>(
    a: T,
    make: (b: SharedArrayBuffer) => T,
  ): T => {
    const b = make(new SharedArrayBuffer(c.length * a.BYTES_PER_ELEMENT));
    b.set(a.subarray(0, c.length) as never);
    return b;
  };
  return {
    length: c.length,
    myNumber: copy(c.myNumber, (b) => new Float64Array(b)),
    birthDays: copy(c.birthDays, (b) => new Int32Array(b)),
    kanaId: copy(c.kanaId, (b) => new Uint32Array(b)),
  };
}

export function createMatchingPool(options: { workers?: number } = {}): MatchingPool {
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const pool = new Piscina({
    ...compiledWorker(import.meta.url, 'matching.worker.js'),
    minThreads: workers,
    maxThreads: workers,
    maxQueue: 'auto',
    idleTimeout: 60_000,
  });

  async function classifyColumns(input: ClassifyColumnsInput): Promise<ClassifyColumnsResult> {
    const existing = 'path' in input.existing ? input.existing : shareColumns(input.existing);
    const incoming = shareColumns(input.incoming);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const run = (task: MatchingTask) => pool.run(task) as Promise<number | null>;
    // The index, built by the workers: count and scatter chunks of rows, fill partitions.
    const chunks = Array.from({ length: workers }, (_, chunk) => chunk);
    const build = startIndexBuild(incoming.length, workers, true);
    await Promise.all(chunks.map((chunk) => run({ step: 'count', incoming, build, chunk })));
    const index = layoutIndex(build, true);
    await Promise.all(
      chunks.map((chunk) => run({ step: 'scatter', incoming, build, index, chunk })),
    );
    const fillCursor = new Int32Array(new SharedArrayBuffer(4));
    await Promise.all(chunks.map(() => run({ step: 'fill', index, cursor: fillCursor })));
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    const total = existing.length;
    // Ranges of ~0.25–1M records: the buckets stay small and every worker gets many ranges.
    const rangeSize =
      input.rangeSize ?? Math.max(262_144, Math.min(1_048_576, Math.ceil(total / (workers * 16))));
    // One task per worker; each takes ranges from a shared cursor until none is left, so a
    // worker that the machine starves takes fewer and the main thread is not needed between
    // ranges (on a busy machine its every wake-up costs a scheduling delay).
    const cursor = new Int32Array(new SharedArrayBuffer(8));
    const progress = input.onProgress
      ? setInterval(() => input.onProgress!(Math.min(total, Atomics.load(cursor, 1)), total), 250)
      : null;
    let matches = 0;
    try {
      const found = await Promise.all(
        chunks.map(() => run({ step: 'scan', existing, index, total, rangeSize, cursor })),
      );
      for (const pairs of found) matches += pairs!;
    } finally {
      if (progress) clearInterval(progress);
    }
    input.onProgress?.(total, total);
    const t2 = performance.now();
    const c2 = process.cpuUsage();
    const outcomes = decideOutcomes(
      matchStateOf(index),
      input.asOf,
      input.policy ?? SEED_POLICY,
      index.rows,
    );
    const t3 = performance.now();
    const c3 = process.cpuUsage();
    const ms = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) =>
      (b.user + b.system - a.user - a.system) / 1000;
    return {
      outcomes,
      matches,
      timings: { indexMs: t1 - t0, scanMs: t2 - t1, decideMs: t3 - t2 },
      cpu: { indexMs: ms(c0, c1), scanMs: ms(c1, c2), decideMs: ms(c2, c3) },
    };
  }

  /**
   * Starts the threads and runs one small synthetic batch through every kernel, so that V8 has
   * optimized them before the first real batch (a one-shot batch otherwise runs its index build
   * and its first ranges in the interpreter).
   */
  async function warm(): Promise<void> {
    const synthetic = (n: number, salt: number): ExistingColumns => {
      const c = {
        length: n,
        myNumber: new Float64Array(new SharedArrayBuffer(n * 8)),
        birthDays: new Int32Array(new SharedArrayBuffer(n * 4)),
        kanaId: new Uint32Array(new SharedArrayBuffer(n * 4)),
      };
      for (let i = 0; i < n; i++) {
        c.myNumber[i] = 100_000_000_000 + ((Math.imul(i, 0x9e3779b1) >>> 0) % (n * 2)) * 7919;
        c.birthDays[i] = (i + salt) % 5;
        c.kanaId[i] = (i * salt) % 7;
      }
      return c;
    };
    const incoming = synthetic(32_768, 3);
    const existing = synthetic(131_072, 5);
    const rangeSize = Math.ceil(existing.length / (workers * 4));
    await classifyColumns({ existing, incoming, asOf: '2021-07-15', rangeSize });
    await classifyColumns({ existing, incoming, asOf: '2021-07-15', rangeSize });
  }

  return {
    workers,
    warm,
    classifyColumns,
    close: () => pool.destroy(),
  };
}
