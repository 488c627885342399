import { describe, expect, inject, it } from 'vitest';
import { sql } from 'kysely';
import { databaseStats, dropDatabase, recreateDatabase, tableInserts } from './admin.js';
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
      // A table's insert counter (the load test's access-log write rate), once the session's
      // statistics reach the view (forced here; a running server flushes them within a second).
      await sql`create table counted (n int)`.execute(handle.db);
      expect(await tableInserts(handle, 'public', 'counted')).toBe(0);
      await sql`insert into counted select generate_series(1, 7)`.execute(handle.db);
      await sql`select pg_stat_force_next_flush()`.execute(handle.db);
      expect(await tableInserts(handle, 'public', 'counted')).toBe(7);
    } finally {
      await handle.close();
    }
    await dropDatabase(url!, name);
    await expect(recreateDatabase(url!, 'bad; name')).rejects.toThrow(/plain database name/);
  });
});
