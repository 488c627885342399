// Bulk loads for seeding and benchmarks: rows COPYed straight into a table (no checks, no outbox),
// and the plain-COPY baseline the bulk registration benchmark compares itself with.
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { DatabaseHandle } from '../database.js';
import { type RegistrationWrite, stagingRow, STAGING_COLUMNS } from './registrations.js';
import { withRawTransaction } from './raw.js';

/**
 * Writes registrations as they are (already classified), without outbox events or notifications:
 * only for seeding a benchmark's "already registered" members. Existing card keys are skipped.
 */
export async function loadRegistrationsDirect(
  handle: DatabaseHandle,
  rows: readonly RegistrationWrite[],
  at: Date,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = STAGING_COLUMNS.slice(0, STAGING_COLUMNS.indexOf('source_line') + 1);
  await withRawTransaction(handle, async (executor) => {
    await executor.query(
      `create temp table load_staging (like intermediate.registrations including defaults) on commit drop`,
    );
    await executor.query(`alter table load_staging alter column updated_at drop not null`);
    await executor.load(
      'load_staging',
      columns,
      rows.map((row) => stagingRow(row).slice(0, columns.length)),
    );
    await executor.query(
      `insert into intermediate.registrations (${columns.join(', ')}, updated_at)
       select ${columns.join(', ')}, $1::timestamptz from load_staging on conflict do nothing`,
      [at.toISOString()],
    );
  });
}

/**
 * The baseline: a plain COPY of a CSV stream (with a header row) into a new bare table of text
 * columns, dropped afterwards. PostgreSQL only. Returns the rows copied.
 */
export async function copyCsvIntoBareTable(
  handle: DatabaseHandle,
  columns: readonly string[],
  csv: Readable,
): Promise<number> {
  if (!handle.pool) throw new Error('the COPY baseline needs PostgreSQL');
  const client = await handle.pool.connect();
  const table = `bench_copy_baseline_${process.pid}`;
  try {
    await client.query(
      `create table public.${table} (${columns.map((c) => `"${c}" text`).join(', ')})`,
    );
    const stream = client.query(
      copyFrom(`copy public.${table} from stdin with (format csv, header true)`),
    );
    await pipeline(csv, stream);
    return Number(stream.rowCount);
  } finally {
    await client.query(`drop table if exists public.${table}`).catch(() => undefined);
    client.release();
  }
}

/** Removes an insurer's registrations with their notifications, checks and uploads (benchmarks). */
export async function deleteInsurerRegistrations(
  handle: DatabaseHandle,
  insurerNumber: string,
): Promise<void> {
  await withRawTransaction(handle, async (executor) => {
    await executor.query(
      `delete from intermediate.jlis_checks c using intermediate.registrations r
       where r.qualification_id = c.qualification_id and r.insurer_number = $1`,
      [insurerNumber],
    );
    for (const table of ['notifications', 'uploads', 'registrations']) {
      await executor.query(`delete from intermediate.${table} where insurer_number = $1`, [
        insurerNumber,
      ]);
    }
  });
}

/** Fresh planner statistics after a big load. */
export async function analyzeRegistrations(handle: DatabaseHandle): Promise<void> {
  await withRawTransaction(handle, (executor) =>
    executor.query('analyze intermediate.registrations'),
  );
}
