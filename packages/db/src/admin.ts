import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from './database.js';

/**
 * Server-level chores: throw-away databases (tests, load tests, the privacy test's own stack) and
 * the size / connection figures a load-test report records. One place for the DDL, so every
 * caller gets the same name check and the same drop.
 */
export async function databaseStats(
  handle: DatabaseHandle,
): Promise<{ sizeMb: number; connections: number }> {
  const size = await sql<{
    bytes: number;
  }>`select pg_database_size(current_database())::bigint as bytes`.execute(handle.db);
  const connections = await sql<{
    n: number;
  }>`select count(*)::bigint as n from pg_stat_activity where datname = current_database()`.execute(
    handle.db,
  );
  return {
    sizeMb: Math.round(((size.rows[0]?.bytes ?? 0) / 1024 / 1024) * 10) / 10,
    connections: connections.rows[0]?.n ?? 0,
  };
}

/**
 * The server's write-ahead-log position, in bytes: the difference of two readings is the WAL a
 * piece of work wrote (on the whole server), the figure that bounds a write-heavy job on slow disks.
 */
export async function walPosition(handle: DatabaseHandle): Promise<number> {
  const result = await sql<{
    bytes: string;
  }>`select (pg_current_wal_lsn() - '0/0'::pg_lsn)::text as bytes`.execute(handle.db);
  return Number(result.rows[0]?.bytes ?? 0);
}

/**
 * Rows inserted into a table since the statistics were reset (`pg_stat_user_tables.n_tup_ins`):
 * two readings give a write rate (the counters reach the view within about a second).
 */
export async function tableInserts(
  handle: DatabaseHandle,
  schema: string,
  table: string,
): Promise<number> {
  const result = await sql<{
    n: string;
  }>`select n_tup_ins::text as n from pg_stat_user_tables where schemaname = ${schema} and relname = ${table}`.execute(
    handle.db,
  );
  return Number(result.rows[0]?.n ?? 0);
}

/** Server settings by name (as `show` prints them), for a benchmark's record of its environment. */
export async function serverSettings(
  handle: DatabaseHandle,
  names: readonly string[],
): Promise<Record<string, string>> {
  const result = await sql<{
    name: string;
    value: string;
  }>`select name, current_setting(name) as value from pg_settings where name = any(${[...names]})`.execute(
    handle.db,
  );
  return Object.fromEntries(result.rows.map((row) => [row.name, row.value]));
}

/** Drops and re-creates `name` on the server of `adminUrl`; returns the new database's URL. */
export async function recreateDatabase(adminUrl: string, name: string): Promise<string> {
  assertPlainName(name);
  const admin = await openDatabase({ url: adminUrl, poolSize: 1 });
  try {
    await dropIn(admin, name);
    await sql`create database ${sql.id(name)}`.execute(admin.db);
  } finally {
    await admin.close();
  }
  return databaseUrl(adminUrl, name);
}

/**
 * Creates database `name` as a copy of `template`; returns its URL. Copies from one template run
 * at once (each test file makes its own); only a connection to the template itself blocks one,
 * and none is allowed, so a refusal is retried briefly rather than failing the test file.
 */
export async function createDatabaseFromTemplate(
  adminUrl: string,
  name: string,
  template: string,
): Promise<string> {
  assertPlainName(name);
  assertPlainName(template);
  const admin = await openDatabase({ url: adminUrl, poolSize: 1 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await sql`create database ${sql.id(name)} template ${sql.id(template)}`.execute(admin.db);
        break;
      } catch (error) {
        // 55006 object_in_use: "source database … is being accessed by other users".
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await admin.close();
  }
  return databaseUrl(adminUrl, name);
}

/** The URL of database `name` on the same server as `adminUrl`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  assertPlainName(name);
  const admin = await openDatabase({ url: adminUrl, poolSize: 1 });
  try {
    await dropIn(admin, name);
  } finally {
    await admin.close();
  }
}

/**
 * Drops database `name` (if there) from the admin connection. Connections a caller has just closed
 * may still be on their way out: forcing the drop then terminates them mid-goodbye, and their
 * client reports that as an unhandled error. So wait for them first (about a second at most), and
 * force only what is still connected after that.
 */
async function dropIn(admin: DatabaseHandle, name: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await sql`drop database if exists ${sql.id(name)}`.execute(admin.db);
      return;
    } catch (error) {
      // 55006 object_in_use: somebody is still connected.
      if ((error as { code?: string }).code !== '55006') throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
}

function assertPlainName(name: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
}
