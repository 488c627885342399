// The raw driver under a DatabaseHandle, for the two things the query builder cannot do: temporary
// staging tables inside one pinned connection, and COPY. Same SQL text on PostgreSQL and PGlite.
import type { Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DatabaseHandle } from '../database.js';

export interface RawExecutor {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** Loads rows (already in column order) into a table with COPY (PGlite: from a blob). */
  load(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
  ): Promise<void>;
}

/** Runs `body` in one transaction on one connection with the raw driver. */
export async function withRawTransaction<T>(
  handle: DatabaseHandle,
  body: (executor: RawExecutor) => Promise<T>,
): Promise<T> {
  if (handle.pool) {
    const client = await handle.pool.connect();
    try {
      await client.query('begin');
      const result = await body(pgExecutor(client));
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  if (handle.pglite) {
    return handle.pglite.transaction((tx) => body(pgliteExecutor(tx)));
  }
  throw new Error(`no raw driver on ${handle.description}`);
}

function pgExecutor(client: pg.PoolClient): RawExecutor {
  return {
    query: async <R>(text: string, params?: unknown[]) => {
      const result = await client.query(text, params);
      return { rows: result.rows as R[] };
    },
    async load(table, columns, rows) {
      if (rows.length === 0) return;
      const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
      await pipeline(Readable.from(copyLines(rows)), stream);
    },
  };
}

function pgliteExecutor(tx: PGliteTransaction): RawExecutor {
  return {
    query: async <R>(text: string, params?: unknown[]) => {
      const result = await tx.query<R>(text, params);
      return { rows: result.rows };
    },
    async load(table, columns, rows) {
      if (rows.length === 0) return;
      // COPY from an in-memory blob: a bulk load of 100,000 rows in a fraction of the time of
      // multi-row INSERTs with their parameters (docs/benchmarks.md, stack start-up).
      await tx.query(`copy ${table} (${columns.join(', ')}) from '/dev/blob'`, [], {
        blob: new Blob([...copyLines(rows)]),
      });
    },
  };
}

/**
 * COPY text format, in chunks of whole lines of about 64 KiB. Each line is one `join` of its cells
 * and each chunk one `join` of its lines: both build flat strings at once, where appending value
 * by value (`line += …`) left a rope of ~60 pieces per row for the GC to trace and the UTF-8
 * encoder to flatten. Encoding 100,000 registration rows and making the blob of them took 2.8 s of
 * CPU that way, 0.65 s this way (docs/benchmarks.md, stack start-up).
 */
export function* copyLines(rows: readonly (readonly unknown[])[]): Generator<string> {
  let lines: string[] = [];
  let size = 0;
  const cells: string[] = [];
  for (const row of rows) {
    cells.length = row.length;
    for (let i = 0; i < row.length; i++) cells[i] = copyValue(row[i]);
    const line = cells.join('\t');
    lines.push(line);
    size += line.length + 1;
    if (size > 65_536) {
      lines.push('');
      yield lines.join('\n');
      lines = [];
      size = 0;
    }
  }
  if (lines.length > 0) {
    lines.push('');
    yield lines.join('\n');
  }
}

const SPECIAL = /[\\\t\n\r]/;

function copyValue(value: unknown): string {
  if (typeof value === 'string') return SPECIAL.test(value) ? escapeCopyText(value) : value;
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  return SPECIAL.test(text) ? escapeCopyText(text) : text;
}

function escapeCopyText(text: string): string {
  return text
    .replaceAll('\\', '\\\\')
    .replaceAll('\t', '\\t')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r');
}
