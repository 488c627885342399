import { describe, expect, inject, it } from 'vitest';
import { databaseStats, dropDatabase, recreateDatabase } from './admin.js';
import { openDatabase } from './database.js';

const url = inject('postgresUrl');

describe.skipIf(!url)('throw-away databases (PostgreSQL)', () => {
  it('creates a fresh database, reports its size and connections, and drops it', async () => {
    const name = `shikaku_admin_test_${process.pid}`;
    const fresh = await recreateDatabase(url!, name);
    expect(new URL(fresh).pathname).toBe(`/${name}`);
    const handle = await openDatabase({ url: fresh, poolSize: 1 });
    try {
      const stats = await databaseStats(handle);
      expect(stats.sizeMb).toBeGreaterThan(1);
      expect(stats.connections).toBeGreaterThanOrEqual(1);
    } finally {
      await handle.close();
    }
    await dropDatabase(url!, name);
    await expect(recreateDatabase(url!, 'bad; name')).rejects.toThrow(/plain database name/);
  });
});
