import { Piscina } from 'piscina';
import {
  packMatches,
  scanExistingRange,
  type ExistingColumns,
  type IncomingIndex,
} from './kernel.js';

/**
 * A piscina task: scan existing records [from, to). The columns and the index live on
 * SharedArrayBuffers, so passing them costs nothing; the matches come back moved, not copied.
 */
export interface ScanTask {
  existing: ExistingColumns;
  incoming: ExistingColumns;
  index: IncomingIndex;
  from: number;
  to: number;
}

export default function scan(task: ScanTask): unknown {
  const matches = scanExistingRange(task.existing, task.incoming, task.index, task.from, task.to);
  return Piscina.move(packMatches(matches));
}
