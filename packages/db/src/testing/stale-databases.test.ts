import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseUrl, dropDatabase, recreateDatabase } from '../admin.js';
import { type DatabaseHandle, openDatabase } from '../database.js';
import { dropStaleTestDatabases, testDatabaseNameEnd } from './stale-databases.js';

const url = inject('postgresUrl');

describe.skipIf(!url)('stale test databases (PostgreSQL)', () => {
  // A process that has exited: the maker of a killed run's databases.
  const dead = { host: hostname(), pid: spawnSync(process.execPath, ['-e', '']).pid };
  const stale = `shikaku_test_${testDatabaseNameEnd(dead)}`;
  const staleTemplate = `shikaku_tpl_000000000000_${testDatabaseNameEnd(dead)}`;
  const connected = `shikaku_test_${testDatabaseNameEnd(dead)}`;
  const live = `shikaku_test_${testDatabaseNameEnd()}`;
  const otherHost = `shikaku_test_${testDatabaseNameEnd({ ...dead, host: `not-${dead.host}` })}`;
  // Made before names carried their machine, and another tool's database with the same ending.
  const oldForm = `shikaku_test_${dead.pid}_0123abcd`;
  const notOurs = `shikaku_bench_${testDatabaseNameEnd(dead)}`;
  const all = [stale, staleTemplate, connected, live, otherHost, oldForm, notOurs];

  let admin: DatabaseHandle;
  let session: DatabaseHandle | undefined;
  beforeAll(async () => {
    admin = await openDatabase({ url: url!, poolSize: 1 });
    for (const name of all) await recreateDatabase(url!, name);
    await sql`alter database ${sql.id(staleTemplate)}
      with is_template true allow_connections false`.execute(admin.db);
    session = await openDatabase({ url: databaseUrl(url!, connected), poolSize: 1 });
    await sql`select 1`.execute(session.db);
  });
  afterAll(async () => {
    await session?.close();
    const { rows } = await sql`select 1 from pg_database
      where datname = ${staleTemplate} and datistemplate`.execute(admin.db);
    if (rows.length > 0)
      await sql`alter database ${sql.id(staleTemplate)} with is_template false`.execute(admin.db);
    for (const name of all) await dropDatabase(url!, name);
    await admin.close();
  });

  async function existing(): Promise<string[]> {
    const { rows } = await sql<{ name: string }>`select datname as name from pg_database
      where datname = any(${all})`.execute(admin.db);
    return rows.map((row) => row.name).sort();
  }

  it('drops the databases of dead test processes on this machine, and nothing else', async () => {
    expect(await existing()).toEqual([...all].sort());
    const dropped = await dropStaleTestDatabases(url!);
    expect(dropped.filter((name) => all.includes(name)).sort()).toEqual(
      [stale, staleTemplate].sort(),
    );
    expect(await existing()).toEqual([connected, live, otherHost, oldForm, notOurs].sort());
  });
});
