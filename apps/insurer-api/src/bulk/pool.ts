import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ChunkReport } from './chunk.js';
import type { WorkerChunkTask } from './chunk.worker.js';

/** Worker threads that register bulk-file chunks on PostgreSQL. Close it on shutdown. */
export interface BulkPool {
  readonly workers: number;
  run(task: WorkerChunkTask): Promise<ChunkReport>;
  close(): Promise<void>;
}

function workerFile(): string {
  // Workers run compiled JavaScript: from src (tests, tsx) use the package's dist build.
  const here = import.meta.url;
  return fileURLToPath(
    here.endsWith('.ts')
      ? new URL('../../dist/bulk/chunk.worker.js', here)
      : new URL('./chunk.worker.js', here),
  );
}

export function createBulkPool(workers: number): BulkPool {
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: workers,
    maxThreads: workers,
    maxQueue: 'auto',
    idleTimeout: 60_000,
    // Workers load the compiled dist, whatever export conditions the parent runs with.
    execArgv: process.execArgv.filter((a) => !a.startsWith('--conditions') && !a.startsWith('-C')),
  });
  return {
    workers,
    // The chunk's bytes move to the worker (no copy); the caller no longer reads them.
    run: (task) => pool.run(task, { transferList: [task.bytes.buffer as ArrayBuffer] }),
    close: () => pool.close(),
  };
}
