import { Piscina } from 'piscina';
import { compiledWorker } from '@shikaku/platform/workers';
import type { ChunkReport, ChunkTask } from './chunk.js';
import type { WorkerChunkTask } from './chunk.worker.js';

/**
 * Worker threads that register bulk-file chunks in the PostgreSQL database at `databaseUrl`, each
 * on its own connection. Close it on shutdown.
 */
export interface BulkPool {
  readonly workers: number;
  run(task: ChunkTask): Promise<ChunkReport>;
  close(): Promise<void>;
}

export function createBulkPool(workers: number, databaseUrl: string): BulkPool {
  const pool = new Piscina({
    ...compiledWorker(import.meta.url, 'chunk.worker.js'),
    minThreads: workers,
    maxThreads: workers,
    maxQueue: 'auto',
    idleTimeout: 60_000,
  });
  return {
    workers,
    // The chunk's bytes move to the worker (no copy); the caller no longer reads them.
    run: (task) =>
      pool.run({ ...task, databaseUrl } satisfies WorkerChunkTask, {
        transferList: [task.bytes.buffer as ArrayBuffer],
      }),
    close: () => pool.close(),
  };
}
