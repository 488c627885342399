// Two stacks on one data dir would overwrite each other's kept files (credentials, practitioners'
// keys) and open one PGlite folder twice. A stack therefore holds `stack.lock` in its data dir
// from before it writes anything there until it closes; a second one is refused at once. A lock
// whose process is gone (killed, crashed, Ctrl-C during the start) is taken over.
import { randomBytes } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../output.js';

export const DATA_DIR_LOCK_FILE = 'stack.lock';

/** What a lock file holds: the process that took it, and when. */
export interface DataDirLockHolder {
  pid: number;
  startedAt: string;
}

export interface DataDirLock {
  readonly file: string;
  /** Removes the lock if it is still this one's (not taken over); a second call does nothing. */
  release(): Promise<void>;
}

/**
 * Takes `dir` (which exists) for this process, or throws DATA_DIR_IN_USE naming the dir and the
 * holder's pid. A lock of a process that is gone is taken over, and `onTakeOver` told.
 */
export async function lockDataDir(
  dir: string,
  options: { now?: Date; onTakeOver?: (stale: DataDirLockHolder) => void } = {},
): Promise<DataDirLock> {
  const file = join(dir, DATA_DIR_LOCK_FILE);
  const mine: DataDirLockHolder = {
    pid: process.pid,
    startedAt: (options.now ?? new Date()).toISOString(),
  };
  const text = `${JSON.stringify(mine)}\n`;
  // A few rounds: a lock released or taken over between our attempt and our look at it.
  for (let round = 0; round < 5; round++) {
    if (await createExclusive(file, text)) {
      let released = false;
      const release = async () => {
        if (released) return;
        released = true;
        if ((await readFile(file, 'utf8').catch(ignoreMissing)) === text) await unlink(file);
      };
      return { file, release };
    }
    const held = await readFile(file, 'utf8').catch(ignoreMissing);
    if (held === undefined) continue;
    const holder = parseHolder(held);
    if (!holder || !processIsGone(holder.pid)) throw inUse(dir, file, holder);
    if (await removeStale(file, held)) options.onTakeOver?.(holder);
  }
  throw new CliError('DATA_DIR_IN_USE', `could not take ${file}: other stacks keep taking it`);
}

function inUse(dir: string, file: string, holder: DataDirLockHolder | undefined): CliError {
  const who = holder ? `another stack (pid ${holder.pid}, started ${holder.startedAt})` : 'a stack';
  return new CliError(
    'DATA_DIR_IN_USE',
    `${who} is using the data dir ${dir}; stop it or give another --data-dir ` +
      `(if no such stack runs, remove ${file})`,
  );
}

function parseHolder(text: string): DataDirLockHolder | undefined {
  try {
    const holder = JSON.parse(text) as Partial<DataDirLockHolder>;
    return Number.isInteger(holder.pid) && holder.pid! > 0
      ? (holder as DataDirLockHolder)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates `file` holding `text`, unless it exists. Written aside and linked into place (link fails
 * on an existing name, like O_EXCL): nobody ever reads a lock file that is still empty.
 */
async function createExclusive(file: string, text: string): Promise<boolean> {
  const aside = asideName(file, 'tmp');
  await writeFile(aside, text);
  try {
    await link(aside, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(aside);
  }
}

/**
 * Removes the lock `stale` (its text) of a process that is gone; whether it did. Moved aside first
 * and compared: when another stack took it over since we read it, what was moved is that stack's
 * live lock, and it is put back. Exported for its test.
 */
export async function removeStale(file: string, stale: string): Promise<boolean> {
  const aside = asideName(file, 'stale');
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  try {
    if ((await readFile(aside, 'utf8')) === stale) return true;
    await link(aside, file).catch((error: NodeJS.ErrnoException) => {
      // A third stack locked it meanwhile: it holds the dir, and so does the one we moved.
      if (error.code !== 'EEXIST') throw error;
    });
    return false;
  } finally {
    await unlink(aside);
  }
}

/** A name beside `file` of this call's own (two calls of one process included). */
function asideName(file: string, kind: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.${kind}`;
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}

/** Whether no process `pid` runs here (one of another user still counts as running). */
function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
