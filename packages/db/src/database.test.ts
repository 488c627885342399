import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { SCHEMAS } from './schema.js';
import { describeEachDatabase } from './testing/test-database.js';

describeEachDatabase('database', ({ handle, kind }) => {
  it('creates one schema per owning app', async () => {
    const rows = await sql<{ schema_name: string }>`
      select schema_name from information_schema.schemata order by schema_name`.execute(
      handle().db,
    );
    const names = rows.rows.map((r) => r.schema_name);
    for (const schema of SCHEMAS) expect(names).toContain(schema);
  });

  it(`returns dates as YYYY-MM-DD strings and bigints as numbers on ${kind}`, async () => {
    const result = await sql<{
      d: string;
      n: number;
    }>`select date '2021-06-30' as d, 9007199254740::bigint as n`.execute(handle().db);
    expect(result.rows[0]).toEqual({ d: '2021-06-30', n: 9007199254740 });
  });

  it('migrating again is a no-op', async () => {
    const { migrateToLatest } = await import('./migrate.js');
    await expect(migrateToLatest(handle())).resolves.toBeUndefined();
  });
});

describeEachDatabase('closing a database', ({ handle, kind }) => {
  it(`closes the ${kind} driver even when only the raw driver was used`, async () => {
    // Kysely's destroy() skips a driver it never ran a query on.
    const raw = await openDatabase({ url: handle().url });
    if (raw.pool) await raw.pool.query('select 1');
    else await raw.pglite?.query('select 1');
    await raw.close();
    expect(raw.pool?.ended ?? raw.pglite?.closed).toBe(true);
  });
});
