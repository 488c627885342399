// The errors are the drivers' own: a value PostgreSQL refuses, a backend terminated mid-statement
// (what a server shutting down does to each of its connections), a refused connection.
import { sql } from 'kysely';
import pg from 'pg';
import { expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { isDataError, isUnavailableError } from './database-errors.js';
import { describeEachDatabase } from './testing/test-database.js';

async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => expect.unreachable('the statement went through'),
    (error: unknown) => error,
  );
}

describeEachDatabase('database errors', ({ handle, kind }) => {
  it('reads a refused value as a data error, a duplicate key as neither', async () => {
    const refused = await failureOf(() => sql`select '2021-02-30'::date`.execute(handle().db));
    expect([isDataError(refused), isUnavailableError(refused)]).toEqual([true, false]);
    const duplicate = await failureOf(() =>
      handle()
        .db.transaction()
        .execute(async (trx) => {
          await sql`create temporary table t (x int primary key) on commit drop`.execute(trx);
          await sql`insert into t values (1), (1)`.execute(trx);
        }),
    );
    expect((duplicate as { code?: string }).code).toBe('23505');
    expect([isDataError(duplicate), isUnavailableError(duplicate)]).toEqual([false, false]);
  });

  it('reads a lost connection as unavailable, not as a data error', async () => {
    if (kind === 'pglite') {
      const closed = await openDatabase();
      await closed.pglite?.close();
      const error = await failureOf(() => sql`select 1`.execute(closed.db));
      expect([isDataError(error), isUnavailableError(error)]).toEqual([false, true]);
      return;
    }
    const victim = await openDatabase({ url: handle().url, poolSize: 1 });
    try {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(
        victim.db,
      );
      const pid = rows[0]?.pid;
      const sleeping = failureOf(() => sql`select pg_sleep(30)`.execute(victim.db));
      // Terminated as a fast shutdown terminates every backend (57P01 admin_shutdown), once its
      // statement runs (the pool's one connection, whose pid was read above).
      for (;;) {
        const active = await sql`select 1 from pg_stat_activity
                                 where pid = ${pid} and state = 'active'`.execute(handle().db);
        if (active.rows.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await sql`select pg_terminate_backend(${pid}::int)`.execute(handle().db);
      const error = await sleeping;
      expect((error as { code?: string }).code).toBe('57P01');
      expect([isDataError(error), isUnavailableError(error)]).toEqual([false, true]);
    } finally {
      await victim.close();
    }
  });
});

it('reads a refused connection as unavailable', async () => {
  // Port 1 (tcpmux) is not a PostgreSQL server on any machine this runs on.
  const client = new pg.Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 5000 });
  const error = await failureOf(() => client.connect());
  expect((error as { code?: string }).code).toBe('ECONNREFUSED');
  expect(isUnavailableError(error)).toBe(true);
});
