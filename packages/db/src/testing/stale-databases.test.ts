import { spawnSync } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseUrl, dropDatabase, recreateDatabase } from '../admin.js';
import { type DatabaseHandle, openDatabase } from '../database.js';
import { dropStaleTestDatabases, pidScope, testDatabaseNameEnd } from './stale-databases.js';

const url = inject('postgresUrl');

it('names a template within PostgreSQL’s 63-byte identifiers, whatever the pid', () => {
  const name = `shikaku_tpl_${'f'.repeat(12)}_${testDatabaseNameEnd({ scope: pidScope(), pid: 4_194_304 })}`;
  expect(name).toMatch(/^shikaku_tpl_f{12}_[0-9a-f]{8}_4194304_[0-9a-f]{8}$/);
  expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
});

describe.skipIf(!url)('stale test databases (PostgreSQL)', () => {
  // A process that has exited: the maker of a killed run's databases.
  const here = pidScope();
  const dead = { scope: here, pid: spawnSync(process.execPath, ['-e', '']).pid };
  const stale = `shikaku_test_${testDatabaseNameEnd(dead)}`;
  const staleTemplate = `shikaku_tpl_000000000000_${testDatabaseNameEnd(dead)}`;
  const connected = `shikaku_test_${testDatabaseNameEnd(dead)}`;
  const live = `shikaku_test_${testDatabaseNameEnd()}`;
  // The same pid made elsewhere, where it may well be running: another host; another container
  // with this host name (its own pid namespace); this host name before a reboot, or another
  // machine of that name.
  const elsewhere = (scope: Partial<typeof here>) =>
    `shikaku_test_${testDatabaseNameEnd({ ...dead, scope: { ...here, ...scope } })}`;
  const otherHost = elsewhere({ host: `not-${here.host}` });
  const otherNamespace = elsewhere({ pidNamespace: 'pid:[4026532999]' });
  const otherBoot = elsewhere({ bootId: '00000000-0000-4000-8000-000000000000' });
  // Made before names carried their machine, or with the host name alone; another tool's
  // database with the same ending.
  const oldForm = `shikaku_test_${dead.pid}_0123abcd`;
  const hostOnlyForm = `shikaku_test_abcdef_${dead.pid}_0123abcd`;
  const notOurs = `shikaku_bench_${testDatabaseNameEnd(dead)}`;
  const all = [
    stale,
    staleTemplate,
    connected,
    live,
    otherHost,
    otherNamespace,
    otherBoot,
    oldForm,
    hostOnlyForm,
    notOurs,
  ];

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

  it('drops the databases of dead test processes in this pid scope, and nothing else', async () => {
    expect(await existing()).toEqual([...all].sort());
    const dropped = await dropStaleTestDatabases(url!);
    expect(dropped.filter((name) => all.includes(name)).sort()).toEqual(
      [stale, staleTemplate].sort(),
    );
    expect(await existing()).toEqual(
      all.filter((name) => name !== stale && name !== staleTemplate).sort(),
    );
  });
});
