import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../output.js';
import {
  DATA_DIR_LOCK_FILE,
  type DataDirLockHolder,
  lockDataDir,
  removeStale,
} from './data-dir-lock.js';

const NOW = new Date('2026-12-03T09:00:00.000Z');
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'data-dir-lock-'));
  dirs.push(dir);
  return dir;
}

/** The lock file a stack of process `pid` leaves when it dies without closing. */
async function leaveLock(dir: string, pid: number): Promise<DataDirLockHolder> {
  const holder = { pid, startedAt: '2026-12-02T08:00:00.000Z' };
  await writeFile(join(dir, DATA_DIR_LOCK_FILE), `${JSON.stringify(holder)}\n`);
  return holder;
}

async function refusal(promise: Promise<unknown>): Promise<CliError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('lockDataDir', () => {
  it('refuses a second lock while the first is held, naming the dir and the holder', async () => {
    const dir = await dataDir();
    const first = await lockDataDir(dir, { now: NOW });
    const error = await refusal(lockDataDir(dir));
    expect(error.code).toBe('DATA_DIR_IN_USE');
    expect(error.message).toContain(dir);
    expect(error.message).toContain(`pid ${process.pid}, started ${NOW.toISOString()}`);
    // The refused attempt left the holder's lock as it was, and nothing beside it.
    expect(JSON.parse(await readFile(first.file, 'utf8'))).toEqual({
      pid: process.pid,
      startedAt: NOW.toISOString(),
    });
    expect(await readdir(dir)).toEqual([DATA_DIR_LOCK_FILE]);
    await first.release();
  });

  it('can be taken again once released; a second release removes nobody else’s lock', async () => {
    const dir = await dataDir();
    const first = await lockDataDir(dir, { now: NOW });
    await first.release();
    expect(await readdir(dir)).toEqual([]);
    // The same pid and start time as the first: only the first's second release tells them apart.
    const second = await lockDataDir(dir, { now: NOW });
    await first.release();
    expect(await readdir(dir)).toEqual([DATA_DIR_LOCK_FILE]);
    expect((await refusal(lockDataDir(dir))).code).toBe('DATA_DIR_IN_USE');
    await second.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over the lock of a process that is gone, and says so', async () => {
    const dir = await dataDir();
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = await leaveLock(dir, gone);
    const told: DataDirLockHolder[] = [];
    const lock = await lockDataDir(dir, { now: NOW, onTakeOver: (h) => told.push(h) });
    expect(told).toEqual([stale]);
    expect(JSON.parse(await readFile(lock.file, 'utf8'))).toEqual({
      pid: process.pid,
      startedAt: NOW.toISOString(),
    });
    expect(await readdir(dir)).toEqual([DATA_DIR_LOCK_FILE]);
    await lock.release();
  });

  it('a stack killed with SIGKILL: its lock holds while it runs, and is taken over after', async () => {
    const dir = await dataDir();
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    const exited = once(child, 'exit');
    try {
      await leaveLock(dir, child.pid!);
      const error = await refusal(lockDataDir(dir));
      expect(error.message).toContain(`pid ${child.pid}`);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const told: number[] = [];
    const lock = await lockDataDir(dir, { onTakeOver: (h) => told.push(h.pid) });
    expect(told).toEqual([child.pid]);
    await lock.release();
  });

  it('two stacks taking over one stale lock at once: exactly one gets it', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    for (let round = 0; round < 10; round++) {
      const dir = await dataDir();
      await leaveLock(dir, gone);
      const results = await Promise.allSettled([lockDataDir(dir), lockDataDir(dir)]);
      const taken = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      expect(taken, `round ${round}`).toHaveLength(1);
      expect(refused.map((e) => (e as CliError).code)).toEqual(['DATA_DIR_IN_USE']);
      await taken[0]!.release();
      expect(await readdir(dir)).toEqual([]);
    }
  });

  it('a stale lock another stack took over since it was read is put back, not removed', async () => {
    const dir = await dataDir();
    const file = join(dir, DATA_DIR_LOCK_FILE);
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = `${JSON.stringify(await leaveLock(dir, gone))}\n`;
    // The other stack removed the stale lock and took the dir: its lock must stay.
    const taker = await lockDataDir(dir, { now: NOW, onTakeOver: () => {} });
    const live = await readFile(file, 'utf8');
    expect(await removeStale(file, stale)).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(live);
    expect(await readdir(dir)).toEqual([DATA_DIR_LOCK_FILE]);
    await taker.release();
    // The lock it read, still there: removed.
    await leaveLock(dir, gone);
    expect(await removeStale(file, stale)).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a lock file it cannot read as a holder rather than taking it', async () => {
    const dir = await dataDir();
    await writeFile(join(dir, DATA_DIR_LOCK_FILE), '');
    const error = await refusal(lockDataDir(dir));
    expect(error.code).toBe('DATA_DIR_IN_USE');
    expect(error.message).toContain(join(dir, DATA_DIR_LOCK_FILE));
  });
});
