import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { allocateMemberColumns, type MemberColumns } from '@shikaku/synth/columnar';
import { CHUNK_SIZE } from '@shikaku/synth/population';
import type { GenerateTask } from './generate.worker.js';

function workerFile(): string {
  const here = import.meta.url;
  return fileURLToPath(
    here.endsWith('.ts')
      ? new URL('../dist/generate.worker.js', here)
      : new URL('./generate.worker.js', here),
  );
}

/**
 * Generates the population's columns on `workers` threads, into SharedArrayBuffers (the matching
 * pool then reads the same memory). Same result as one thread: chunks are independent.
 */
export async function generatePopulationColumns(
  options: { seed: number; size: number; asOf: string; workers: number },
  onProgress?: (done: number, total: number) => void,
): Promise<MemberColumns> {
  const columns = allocateMemberColumns(options.size, true);
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: options.workers,
    maxThreads: options.workers,
    maxQueue: 'auto',
    execArgv: process.execArgv.filter((a) => !a.startsWith('--conditions') && !a.startsWith('-C')),
  });
  try {
    const step = CHUNK_SIZE * 256; // ~1M persons a task
    let next = 0;
    let done = 0;
    const runOne = async (): Promise<void> => {
      while (next < options.size) {
        const from = next;
        const to = Math.min(options.size, from + step);
        next = to;
        const task: GenerateTask = { ...options, from, to, columns };
        done += (await pool.run(task)) as number;
        onProgress?.(done, options.size);
      }
    };
    await Promise.all(Array.from({ length: options.workers * 2 }, runOne));
  } finally {
    await pool.destroy();
  }
  return columns;
}
