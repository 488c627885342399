import { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './schema.js';

export type DatabaseKind = 'postgres' | 'pglite';

/**
 * A database handle the repositories take. `db` is the typed query builder; `pool` / `pglite`
 * give the raw driver for the few things a query builder cannot do (COPY for bulk loads).
 */
export interface DatabaseHandle {
  readonly kind: DatabaseKind;
  readonly db: Kysely<Database>;
  /** Set when kind is 'postgres'. */
  readonly pool?: pg.Pool;
  /** Set when kind is 'pglite'. */
  readonly pglite?: PGlite;
  /** Where it lives, with no password: for logs and reports. */
  readonly description: string;
  /**
   * The PostgreSQL URL it was opened with, so a worker thread can open the same database.
   * May hold a password: never log it (log `description`).
   */
  readonly url?: string;
  /** Where lookups that tolerate bounded staleness read (a fresh replica); see read-replica.ts. */
  readonly reads?: () => DatabaseHandle;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A PostgreSQL URL. When absent, an embedded PGlite database is used. */
  url?: string | undefined;
  /** PGlite data directory; in memory when absent. Ignored with `url`. */
  pgliteDir?: string | undefined;
  /**
   * A `dumpDataDir` tarball PGlite starts from, in memory, instead of running initdb (test
   * databases from a migrated template). Ignored with `url` or `pgliteDir`.
   */
  pgliteDump?: Blob | undefined;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

// PostgreSQL `date` columns stay 'YYYY-MM-DD' strings (no time zone shifts), bigint count(*)s
// become numbers: both drivers then return the same shapes.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      kind: 'postgres',
      db,
      pool,
      url: options.url,
      description: redactUrl(options.url),
      close: async () => {
        await db.destroy();
        // Kysely destroys only a driver it has used: a pool used directly is ended here.
        if (!pool.ended) await pool.end();
      },
    };
  }
  const pglite = await PGlite.create({
    ...(options.pgliteDir
      ? { dataDir: options.pgliteDir }
      : options.pgliteDump
        ? { loadDataDir: options.pgliteDump }
        : {}),
    // Same parsing as the pg driver above.
    parsers: { 1082: (value: string) => value, 20: (value: string) => Number(value) },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    kind: 'pglite',
    db,
    pglite,
    description: options.pgliteDir ? `pglite:${options.pgliteDir}` : 'pglite:memory',
    close: async () => {
      await db.destroy();
      // Kysely destroys only a driver it has used (kysely's RuntimeDriver.destroy returns before
      // init): a PGlite queried directly would stay open, its timer keeping the process alive.
      if (!pglite.closed) await pglite.close();
    },
  };
}

/**
 * A statement of a hot path, run as the same text every time. On PostgreSQL, with a `name`, it is
 * a named prepared statement: each pooled connection parses it once and PostgreSQL may keep its
 * generic plan (see unnestParameters). `name` must be unique per text across the process (pg
 * refuses a name reused with another text). Without one it is parsed and planned for its values
 * on every run: for statements on tables that start empty, whose generic plan made then would
 * keep scanning the table whole as it grows (even over bare array parameters, PostgreSQL chose
 * the generic plan of the card holder read while card links were nearly empty:
 * eligibility/plans-on-growing-tables.test.ts).
 */
export interface PreparedStatement {
  readonly name?: string;
  readonly text: string;
}

/**
 * `unnest(...)` over array parameters $first, $first+1, … of these element types, each behind a
 * `(select …)`, for the batched statements of the hot paths. The planner then sees no array's
 * length, in a custom plan as in the generic one, so both cost the same and PostgreSQL keeps the
 * prepared statement's generic plan after its first five runs. Over bare parameters a custom plan
 * of a short array (one to a few keys: every batch at light load) looks cheaper than the generic
 * plan, which assumes 10 elements, so PostgreSQL planned the statement anew on every run: ~250 µs
 * of its CPU per statement, as much as five index probes (docs/benchmarks.md, "plans").
 *
 * Only for statements that read tables already large when the statement is first planned (the
 * qualifications, J-LIS's certificates) or read none (inserts). A generic plan is kept until the
 * table's statistics change: one made while a fresh stack's consents or card links were nearly
 * empty kept scanning them whole as they grew (a national-peak load test: 3,518 scans reading
 * 14.8M consents in 45 s), where a custom plan sees the table's current size on every run. Those
 * statements go unnamed (PreparedStatement), so PostgreSQL never caches a plan for them.
 */
export function unnestParameters(types: readonly string[], first = 1): string {
  return `unnest(${types.map((type, i) => `(select $${first + i}::${type}[])`).join(', ')})`;
}

/** The database server's clock now (epoch ms): what instances sharing it can agree on. */
export async function databaseClockMs(handle: DatabaseHandle): Promise<number> {
  const { rows } = await handle.db.executeQuery<{ ms: string | number }>(
    CompiledQuery.raw('select extract(epoch from clock_timestamp()) * 1000 as ms'),
  );
  return Number(rows[0]?.ms);
}

/**
 * Runs a prepared statement and returns its rows, with the same value shapes on both drivers (the
 * type parsers above). Not for use inside a transaction: on PostgreSQL it takes its own pooled
 * connection (never a transaction's); on PGlite it queues behind any open transaction through the
 * query builder's connection, like every other query.
 */
export async function queryPrepared<Row>(
  handle: DatabaseHandle,
  statement: PreparedStatement,
  values: readonly unknown[],
): Promise<Row[]> {
  if (handle.pool) {
    const result = await handle.pool.query({
      ...(statement.name ? { name: statement.name } : {}),
      text: statement.text,
      values: values as unknown[],
    });
    return result.rows as Row[];
  }
  const result = await handle.db.executeQuery<Row>(CompiledQuery.raw(statement.text, [...values]));
  return result.rows as Row[];
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres:(unparseable url)';
  }
}
