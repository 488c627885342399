// Test runs that are killed (Ctrl-C, a CI timeout, an OOM) never drop their PostgreSQL template
// and test databases. Each one's name ends with the machine and the process that made it
// (testDatabaseNameEnd), and a later run drops those whose process is gone. The rule, and why it
// is safe:
// - only names of that exact form (`shikaku_test_…`, `shikaku_tpl_<fingerprint>_…`): nobody
//   else's, and none made before the names carried their machine (those are left for a person);
// - only names of this machine: a process id means nothing on another host sharing the server;
// - only when that process is no longer running: a run still going keeps its databases (a reused
//   pid only keeps a stale one longer);
// - only with no connection to it (pg_stat_activity), and never forced: a session that connects
//   in between makes the drop fail, and the database stays.
// The name, not a comment set after `create database`, carries the maker, so a run killed
// between the two leaves nothing unmarked.
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import { openDatabase } from '../database.js';

/** The maker's machine in a name: 6 hex digits of its host name's hash. */
function hostTag(host: string): string {
  return createHash('sha256').update(host).digest('hex').slice(0, 6);
}

/**
 * `<host>_<pid>_<random>`: how the name of each database a test run makes ends (the random part
 * keeps a process's databases apart). `maker` is for tests of the cleanup.
 */
export function testDatabaseNameEnd(maker = { host: hostname(), pid: process.pid }): string {
  return `${hostTag(maker.host)}_${maker.pid}_${randomBytes(4).toString('hex')}`;
}

const TEST_DATABASE_NAME = /^shikaku_(?:test|tpl_[0-9a-f]+)_([0-9a-f]{6})_([0-9]+)_[0-9a-f]{8}$/;

/** Whether no process `pid` runs on this machine (one of another user still counts as running). */
export function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Drops the test databases earlier runs on this machine left behind (the rule is at the top of
 * this file); returns their names. A database that cannot be dropped now is left for a later run.
 */
export async function dropStaleTestDatabases(adminUrl: string): Promise<string[]> {
  const here = hostTag(hostname());
  const admin = await openDatabase({ url: adminUrl, poolSize: 1 });
  const dropped: string[] = [];
  try {
    const { rows } = await sql<{ name: string; template: boolean }>`
      select d.datname as name, d.datistemplate as template from pg_database d
      where (d.datname like 'shikaku\\_test\\_%' or d.datname like 'shikaku\\_tpl\\_%')
        and not exists (select 1 from pg_stat_activity a where a.datid = d.oid)`.execute(admin.db);
    for (const { name, template } of rows) {
      const [, host, pid] = TEST_DATABASE_NAME.exec(name) ?? [];
      if (host !== here || !processIsGone(Number(pid))) continue;
      try {
        if (template)
          await sql`alter database ${sql.id(name)} with is_template false`.execute(admin.db);
        await sql`drop database if exists ${sql.id(name)}`.execute(admin.db);
        dropped.push(name);
      } catch (error) {
        // 55006 object_in_use: somebody connected after all; leave it.
        if ((error as { code?: string }).code !== '55006') throw error;
      }
    }
  } finally {
    await admin.close();
  }
  return dropped;
}
