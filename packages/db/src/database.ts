import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
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
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A PostgreSQL URL. When absent, an embedded PGlite database is used. */
  url?: string | undefined;
  /** PGlite data directory; in memory when absent. Ignored with `url`. */
  pgliteDir?: string | undefined;
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
      close: () => db.destroy(),
    };
  }
  const pglite = await PGlite.create({
    ...(options.pgliteDir ? { dataDir: options.pgliteDir } : {}),
    // Same parsing as the pg driver above.
    parsers: { 1082: (value: string) => value, 20: (value: string) => Number(value) },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    kind: 'pglite',
    db,
    pglite,
    description: options.pgliteDir ? `pglite:${options.pgliteDir}` : 'pglite:memory',
    close: () => db.destroy(),
  };
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
