import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileCardStore } from './card-store.js';

describe('file card store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reader-cards-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('keeps a lock and the PIN counter across restarts', async () => {
    const path = join(dir, 'nested', 'cards.json');
    const first = fileCardStore(path);
    expect(await first.get('S1')).toBeUndefined();
    await first.save({ certificateSerial: 'S1', pin: '1234', failedPinAttempts: 3, locked: true });
    await first.save({ certificateSerial: 'S2', pin: '4321', failedPinAttempts: 1, locked: false });

    const restarted = fileCardStore(path);
    expect(await restarted.get('S1')).toEqual({
      certificateSerial: 'S1',
      pin: '1234',
      failedPinAttempts: 3,
      locked: true,
    });
    expect((await restarted.get('S2'))?.failedPinAttempts).toBe(1);
    expect(JSON.parse(await readFile(path, 'utf8')).cards).toHaveLength(2);
  });

  it('returns copies, so a caller cannot change a stored card by accident', async () => {
    const store = fileCardStore(join(dir, 'cards.json'));
    await store.save({ certificateSerial: 'S1', pin: '1234', failedPinAttempts: 0, locked: false });
    const card = await store.get('S1');
    card!.locked = true;
    expect((await store.get('S1'))?.locked).toBe(false);
  });
});
