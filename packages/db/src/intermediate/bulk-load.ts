// Bulk loads for seeding and benchmarks: rows COPYed straight into a table (no checks, no outbox),
// and the plain-COPY baseline the bulk registration benchmark compares itself with.
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { DatabaseHandle } from '../database.js';
import {
  REGISTRATION_COLUMNS,
  type RegistrationWrite,
  registrationValues,
} from './registrations.js';
import { copyLines, withRawTransaction } from './raw.js';

const LOAD_COLUMNS = [...REGISTRATION_COLUMNS, 'updated_at'];

/**
 * Registrations as they are (already classified) in COPY text format, one line each, for
 * `replaceRegistrations`. Pure, so worker threads can format rows in parallel.
 */
export function registrationsCopyText(rows: Iterable<RegistrationWrite>, at: Date): string {
  const updatedAt = at.toISOString();
  const values = Array.from(rows, (row) => [...registrationValues(row), updatedAt]);
  return [...copyLines(values)].join('');
}

/**
 * Replaces every registration with the lines of `copyText` (from `registrationsCopyText`), without
 * outbox events or notifications: only for a benchmark's "already registered" members. PostgreSQL
 * only. One transaction: the table is emptied, its indexes and unique constraints dropped, the
 * rows COPYed frozen (no vacuum or hint-bit writes follow) and the indexes rebuilt from their own
 * catalog definitions. Building an index by one sort is many times faster than inserting millions
 * of random keys into it (21 minutes for 10M rows), and if anything fails the table is as it was.
 * Returns the rows loaded.
 */
export async function replaceRegistrations(
  handle: DatabaseHandle,
  copyText: AsyncIterable<string | Uint8Array>,
): Promise<number> {
  if (!handle.pool) throw new Error('replacing registrations needs PostgreSQL');
  const client = await handle.pool.connect();
  try {
    await client.query('begin');
    // Sorts for the index builds in memory (a transaction-local setting, not the server's).
    await client.query(`set local maintenance_work_mem = '1GB'`);
    const table = 'intermediate.registrations';
    const { rows: constraints } = await client.query<{ name: string; definition: string }>(
      `select quote_ident(conname) as name, pg_get_constraintdef(oid) as definition from pg_constraint
       where conrelid = $1::regclass and contype in ('p', 'u') order by conname`,
      [table],
    );
    const { rows: indexes } = await client.query<{ name: string; definition: string }>(
      `select indexrelid::regclass::text as name, pg_get_indexdef(indexrelid) as definition
       from pg_index i where indrelid = $1::regclass
         and not exists (select 1 from pg_constraint c
                         where c.conrelid = i.indrelid and c.conindid = i.indexrelid)
       order by 1`,
      [table],
    );
    await client.query(`truncate ${table}`);
    for (const c of constraints) {
      await client.query(`alter table ${table} drop constraint ${c.name}`);
    }
    for (const i of indexes) await client.query(`drop index ${i.name}`);
    const stream = client.query(
      copyFrom(`copy ${table} (${LOAD_COLUMNS.join(', ')}) from stdin with (freeze)`),
    );
    await pipeline(Readable.from(copyText), stream);
    for (const c of constraints) {
      await client.query(`alter table ${table} add constraint ${c.name} ${c.definition}`);
    }
    for (const i of indexes) await client.query(i.definition);
    await client.query('commit');
    return Number(stream.rowCount);
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
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

/** Removes an insurer's registrations with their events, notifications and uploads (benchmarks). */
export async function deleteInsurerRegistrations(
  handle: DatabaseHandle,
  insurerNumber: string,
): Promise<void> {
  await withRawTransaction(handle, async (executor) => {
    // Their outbox events too (a sealed batch's range then has holes, which readers skip).
    await executor.query(
      `delete from intermediate.outbox e using intermediate.registrations r
       where r.qualification_id = e.qualification_id and r.insurer_number = $1`,
      [insurerNumber],
    );
    for (const table of ['notifications', 'uploads', 'registrations']) {
      await executor.query(`delete from intermediate.${table} where insurer_number = $1`, [
        insurerNumber,
      ]);
    }
  });
}

/**
 * Dead rows cleared (a benchmark deletes a million before each run) and fresh planner statistics.
 * PostgreSQL only: VACUUM runs outside a transaction.
 */
export async function vacuumRegistrations(handle: DatabaseHandle): Promise<void> {
  if (!handle.pool) throw new Error('vacuum needs PostgreSQL');
  await handle.pool.query('vacuum (analyze) intermediate.registrations');
}

/**
 * Writes an insurer's registrations, every column, as COPY text into `files` (rows spread over them
 * by id), for `importRegistrations`. PostgreSQL only. Returns the rows written.
 */
export async function exportRegistrations(
  handle: DatabaseHandle,
  insurerNumber: string,
  files: readonly string[],
): Promise<number> {
  if (!handle.pool) throw new Error('exporting registrations needs PostgreSQL');
  // COPY (query) takes no parameters: the number goes into the text, so it must be digits only.
  if (!/^[0-9]+$/.test(insurerNumber)) throw new Error(`not an insurer number: ${insurerNumber}`);
  const client = await handle.pool.connect();
  let rows = 0;
  try {
    for (const [k, file] of files.entries()) {
      const stream = client.query(
        copyTo(`copy (select * from intermediate.registrations
                      where insurer_number = '${insurerNumber}'
                        and abs(hashtext(qualification_id)) % ${files.length} = ${k}) to stdout`),
      );
      await pipeline(stream, createWriteStream(file));
      rows += Number(stream.rowCount);
    }
    return rows;
  } finally {
    client.release();
  }
}

/**
 * COPYs files from `exportRegistrations` into the registrations table, each on its own connection,
 * all at once. No checks, events or notifications: what storing the rows alone costs. PostgreSQL
 * only. Returns the rows loaded.
 */
export async function importRegistrations(
  handle: DatabaseHandle,
  files: readonly string[],
): Promise<number> {
  const pool = handle.pool;
  if (!pool) throw new Error('importing registrations needs PostgreSQL');
  const counts = await Promise.all(
    files.map(async (file) => {
      const client = await pool.connect();
      try {
        const stream = client.query(copyFrom('copy intermediate.registrations from stdin'));
        await pipeline(createReadStream(file), stream);
        return Number(stream.rowCount);
      } finally {
        client.release();
      }
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}
