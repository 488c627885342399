// Test runs that are killed (Ctrl-C, a CI timeout, an OOM) never drop their PostgreSQL template
// and test databases. Each one's name ends with where its maker's process id means something and
// that id (testDatabaseNameEnd), and a later run drops those whose process is gone. The rule, and
// why it is safe:
// - only names of that exact form (`shikaku_test_…`, `shikaku_tpl_<fingerprint>_…`): nobody
//   else's, and none of an earlier form (those are left for a person);
// - only names made in this pid scope (pidScope: host name, pid namespace, boot): a process id
//   means nothing on another host sharing the server, nor in another container that shares the
//   host name (its own pid namespace), nor before a reboot;
// - only when that process is no longer running: a run still going keeps its databases (a reused
//   pid only keeps a stale one longer);
// - only with no connection to it (pg_stat_activity), and never forced: a session that connects
//   in between makes the drop fail, and the database stays.
// The name, not a comment set after `create database`, carries the maker, so a run killed
// between the two leaves nothing unmarked.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import { openDatabase } from '../database.js';

/**
 * Where a process id names one process. The host name alone is not enough: containers sharing it
 * (host network, `--hostname`) each have their pid namespace, and one would take the other's live
 * pids for dead. The boot tells apart machines of one host name whose processes all run in the
 * initial namespace (its link reads the same on every Linux). The databases of another boot of
 * this machine are dead, but not told from another machine's, so they are left for a person.
 * Outside Linux, where there is no /proc, the host name alone.
 */
export interface PidScope {
  host: string;
  /** `pid:[4026531836]`, the link /proc/self/ns/pid. */
  pidNamespace: string | undefined;
  /** /proc/sys/kernel/random/boot_id. */
  bootId: string | undefined;
}

export function pidScope(): PidScope {
  const orUndefined = (read: () => string) => {
    try {
      return read().trim();
    } catch {
      return undefined;
    }
  };
  return {
    host: hostname(),
    pidNamespace: orUndefined(() => readlinkSync('/proc/self/ns/pid')),
    bootId: orUndefined(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
  };
}

/** The maker's pid scope in a name: 8 hex digits of its hash. */
function scopeTag(scope: PidScope): string {
  return createHash('sha256')
    .update(JSON.stringify([scope.host, scope.pidNamespace ?? null, scope.bootId ?? null]))
    .digest('hex')
    .slice(0, 8);
}

/**
 * `<scope>_<pid>_<random>`: how the name of each database a test run makes ends (the random part
 * keeps a process's databases apart). At most 8 + 1 + 7 (Linux's largest pid) + 1 + 8 = 25
 * characters: a template's whole name stays within PostgreSQL's 63. `maker` is for tests of the
 * cleanup.
 */
export function testDatabaseNameEnd(maker = { scope: pidScope(), pid: process.pid }): string {
  return `${scopeTag(maker.scope)}_${maker.pid}_${randomBytes(4).toString('hex')}`;
}

const TEST_DATABASE_NAME = /^shikaku_(?:test|tpl_[0-9a-f]+)_([0-9a-f]{8})_([0-9]+)_[0-9a-f]{8}$/;

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
 * Drops the test databases earlier runs in this pid scope left behind (the rule is at the top of
 * this file); returns their names. A database that cannot be dropped now is left for a later run.
 */
export async function dropStaleTestDatabases(adminUrl: string): Promise<string[]> {
  const here = scopeTag(pidScope());
  const admin = await openDatabase({ url: adminUrl, poolSize: 1 });
  const dropped: string[] = [];
  try {
    const { rows } = await sql<{ name: string; template: boolean }>`
      select d.datname as name, d.datistemplate as template from pg_database d
      where (d.datname like 'shikaku\\_test\\_%' or d.datname like 'shikaku\\_tpl\\_%')
        and not exists (select 1 from pg_stat_activity a where a.datid = d.oid)`.execute(admin.db);
    for (const { name, template } of rows) {
      const [, scope, pid] = TEST_DATABASE_NAME.exec(name) ?? [];
      if (scope !== here || !processIsGone(Number(pid))) continue;
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
