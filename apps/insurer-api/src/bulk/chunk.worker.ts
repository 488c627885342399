// A piscina worker: registers chunks of bulk files on its own PostgreSQL connection.
import { type DatabaseHandle, openDatabase } from '@shikaku/db/database';
import { type ChunkReport, type ChunkTask, processChunk } from './chunk.js';

export interface WorkerChunkTask extends ChunkTask {
  /** The database to write to (the app's own). */
  databaseUrl: string;
}

// One connection per database per worker, for the worker's life (the pool ends the thread); pg
// closes a connection idle for 10 s, so an idle pool holds none.
const handles = new Map<string, Promise<DatabaseHandle>>();

export default async function registerChunk(task: WorkerChunkTask): Promise<ChunkReport> {
  let handle = handles.get(task.databaseUrl);
  if (!handle) {
    handle = openDatabase({ url: task.databaseUrl, poolSize: 1 });
    handles.set(task.databaseUrl, handle);
  }
  return processChunk(await handle, task);
}
