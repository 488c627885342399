import { describe, expect, it } from 'vitest';
import { databaseStats, dropDatabase, openDatabase, recreateDatabase } from './database.js';

const url = process.env.DATABASE_URL;

describe.skipIf(!url)('load-test database (PostgreSQL)', () => {
  it('creates a fresh database, reports its size and connections, and drops it', async () => {
    const name = `shikaku_loadtest_test_${process.pid}`;
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
