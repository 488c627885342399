// How background jobs share work when an app runs as several instances on one database. Two
// mechanisms, both PostgreSQL's own (no coordinator of ours):
//
// - A queue of rows is claimed with `FOR UPDATE SKIP LOCKED` and a lease: the claim moves the row's
//   lease column into the future (and names the holder). Concurrent claimers skip each other's rows;
//   a row whose holder was killed becomes due again when its lease runs out and is taken over.
//   Effects stay exactly-once because each completion is conditional (done only while still
//   pending) and any notification it writes has a unique dedupe key.
// - A job that must run in one place at a time (the outbox relay, the re-match, the deadline job)
//   takes a session advisory lock on a connection of its own for the length of one run. A killed
//   instance's connection closes and PostgreSQL frees the lock at once; the next run elsewhere
//   takes it. On embedded PGlite there is one process and one connection: the run just goes ahead.
//
// Leases are read against the injected clock (`now`), so tests take a lease over by moving the clock
// rather than by waiting; in production every instance's clock is NTP time, and a lease (a minute)
// is far longer than any skew between them.
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { DatabaseHandle } from './database.js';
import { type RawExecutor, withRawTransaction } from './intermediate/raw.js';

/** A table used as a queue. Names are constants of the repository, never user input. */
export interface LeasedQueue {
  /** Schema-qualified table, aliased `t` in `pending`, `order`, `set` and `returning`. */
  table: string;
  key: string;
  /** The end of the current claim's lease; a row is free when it is null or past. */
  leaseColumn: string;
  /** Who holds the claim (for fencing and logs); optional. */
  holderColumn?: string;
  /** SQL condition of the rows still to do. */
  pending: string;
  order: string;
  /** The lease column is never null on a pending row (lets the claim use an index in order). */
  leaseNeverNull?: boolean;
}

export interface ClaimOptions {
  now: Date;
  leaseMs: number;
  limit: number;
  /** Written to holderColumn. */
  holder?: string;
  /** Extra assignments of the claim (e.g. `attempts = t.attempts + 1`). */
  set?: string;
  /** The RETURNING list. */
  returning: string;
}

/**
 * Claims up to `limit` free rows of `queue` for `leaseMs` and returns them: one statement, so two
 * instances claiming at once get disjoint rows.
 */
export async function claimLeased<Row>(
  executor: RawExecutor,
  queue: LeasedQueue,
  options: ClaimOptions,
): Promise<Row[]> {
  const assignments = [
    `${queue.leaseColumn} = $3::timestamptz`,
    ...(queue.holderColumn ? [`${queue.holderColumn} = $4::text`] : []),
    ...(options.set ? [options.set] : []),
  ];
  const free = queue.leaseNeverNull
    ? `t.${queue.leaseColumn} <= $1::timestamptz`
    : `(t.${queue.leaseColumn} is null or t.${queue.leaseColumn} <= $1::timestamptz)`;
  const { rows } = await executor.query<Row>(
    `with due as (
       select t.${queue.key} as claim_key from ${queue.table} t
       where (${queue.pending})
         and ${free}
       order by ${queue.order} limit $2
       for update of t skip locked
     )
     update ${queue.table} t set ${assignments.join(', ')}
     from due where t.${queue.key} = due.claim_key
     returning ${options.returning}`,
    [
      options.now.toISOString(),
      options.limit,
      new Date(options.now.getTime() + options.leaseMs).toISOString(),
      ...(queue.holderColumn ? [options.holder ?? null] : []),
    ],
  );
  return rows;
}

/** claimLeased in a transaction of its own. */
export function claimLeasedRows<Row>(
  handle: DatabaseHandle,
  queue: LeasedQueue,
  options: ClaimOptions,
): Promise<Row[]> {
  return withRawTransaction(handle, (executor) => claimLeased<Row>(executor, queue, options));
}

/** This process's name as a claim holder: host, pid and a random suffix (unique per start). */
export const INSTANCE_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/** The 64-bit advisory lock key of a job name (stable across processes and versions). */
export function jobLockKey(name: string): string {
  return createHash('sha256').update(`shikaku-job:${name}`).digest().readBigInt64BE(0).toString();
}

export type JobLockRun<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs `body` only while this process holds the job's advisory lock; answers `{ ran: false }` at
 * once when another instance holds it. The lock lives on a connection of its own (not a
 * transaction), so `body` uses the pool freely and may call other services; a killed holder's
 * connection closes and the lock goes with it.
 */
export async function runExclusive<T>(
  handle: DatabaseHandle,
  name: string,
  body: () => Promise<T>,
): Promise<JobLockRun<T>> {
  if (!handle.pool) return { ran: true, value: await body() };
  const key = jobLockKey(name);
  const client = await handle.pool.connect();
  let broken = false;
  // The lock's connection is held for the whole run: if the server goes away meanwhile, its error
  // must not crash the process (the lock is gone with it; the run's own queries fail and say so).
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      'select pg_try_advisory_lock($1::bigint) as locked',
      [key],
    );
    if (!rows[0]?.locked) return { ran: false };
    try {
      return { ran: true, value: await body() };
    } finally {
      await client.query('select pg_advisory_unlock($1::bigint)', [key]).catch(() => {
        // The connection is gone, and the lock with it: never reuse it.
        broken = true;
      });
    }
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
