import { closeSync, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { MIS_ENTRY_OUTCOMES, MIS_ENTRY_RULES, type MisEntryPolicy } from '@shikaku/core/mis-entry';
import type { ExistingColumns, OutcomeColumns } from '@shikaku/matching/kernel';

/**
 * The same classification in DuckDB SQL over the same data, for the benchmark. Preparation (not
 * timed): the columns are written once to Parquet, DuckDB's own columnar import format (via CSV,
 * converted by DuckDB). Timed: load (Parquet → in-memory tables) and match (one SQL query with
 * core's semantics), on as many DuckDB threads as our engine has workers.
 */
export interface DuckdbResult {
  threads: number;
  prepareMs: number;
  loadMs: number;
  matchMs: number;
  /** CPU time of the whole process (every thread) during load + match, ms: robust to a busy machine. */
  cpuMs: number;
  /** Rows and Σ conflicting record per outcome code. */
  counts: Record<string, { rows: number; conflictSum: number }>;
}

/** Writes a non-negative or negative integer (|n| < 2^53) as ASCII digits; returns the new position. */
function putInt(buf: Buffer, pos: number, n: number): number {
  if (n < 0) {
    buf[pos++] = 45; // '-'
    n = -n;
  }
  const start = pos;
  do {
    const q = Math.floor(n / 10);
    buf[pos++] = 48 + (n - q * 10);
    n = q;
  } while (n > 0);
  buf.subarray(start, pos).reverse();
  return pos;
}

/** CSV of the three matching columns, written as bytes (fast enough for 160M rows). */
function writeCsv(path: string, c: ExistingColumns): void {
  const fd = openSync(path, 'w');
  try {
    const buf = Buffer.allocUnsafe(1 << 22);
    let pos = buf.write('num,birth,kana\n', 0, 'latin1');
    for (let i = 0; i < c.length; i++) {
      if (pos > buf.length - 64) {
        writeSync(fd, buf, 0, pos);
        pos = 0;
      }
      pos = putInt(buf, pos, c.myNumber[i]!);
      buf[pos++] = 44;
      pos = putInt(buf, pos, c.birthDays[i]!);
      buf[pos++] = 44;
      pos = putInt(buf, pos, c.kanaId[i]!);
      buf[pos++] = 10;
    }
    writeSync(fd, buf, 0, pos);
  } finally {
    closeSync(fd);
  }
}

async function toParquet(
  connection: Awaited<ReturnType<DuckDBInstance['connect']>>,
  dir: string,
  name: string,
  c: ExistingColumns,
  key: string,
): Promise<string> {
  const parquet = join(dir, `${name}-${key}.parquet`);
  if (existsSync(parquet)) return parquet;
  const csv = join(dir, `${name}-${key}.csv`);
  writeCsv(csv, c);
  await connection.run(
    `COPY (SELECT * FROM read_csv('${csv}', header = true, columns = {'num': 'DOUBLE', 'birth': 'INTEGER', 'kana': 'UINTEGER'})) TO '${parquet}' (FORMAT parquet)`,
  );
  rmSync(csv);
  return parquet;
}

/** Our engine's outcomes in the same shape, to check the two agree. */
export function countOutcomes(o: OutcomeColumns): DuckdbResult['counts'] {
  const counts: DuckdbResult['counts'] = {};
  for (let i = 0; i < o.code.length; i++) {
    const code = MIS_ENTRY_OUTCOMES[o.code[i]!]!;
    const entry = (counts[code] ??= { rows: 0, conflictSum: 0 });
    entry.rows++;
    if (o.conflictingRecord[i]! >= 0) entry.conflictSum += o.conflictingRecord[i]!;
  }
  return counts;
}

export async function classifyInDuckdb(options: {
  existing: ExistingColumns;
  incoming: ExistingColumns;
  asOf: string;
  policy: MisEntryPolicy;
  threads: number;
  /** Where the Parquet files go (kept and reused when `key` matches). */
  dir: string;
  key: string;
}): Promise<DuckdbResult> {
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(options.threads),
    preserve_insertion_order: 'false',
  });
  const connection = await instance.connect();
  try {
    const t0 = performance.now();
    // The Parquet row number is the record index: keep the order while writing them.
    await connection.run('SET preserve_insertion_order = true');
    const existingFile = await toParquet(
      connection,
      options.dir,
      'existing',
      options.existing,
      options.key,
    );
    const incomingFile = await toParquet(
      connection,
      options.dir,
      'incoming',
      options.incoming,
      options.key,
    );
    await connection.run('SET preserve_insertion_order = false');
    const t1 = performance.now();
    const cpu = process.cpuUsage();
    await connection.run(
      `CREATE TABLE existing AS SELECT file_row_number::INTEGER AS idx, num, birth, kana FROM read_parquet('${existingFile}', file_row_number = true)`,
    );
    await connection.run(
      `CREATE TABLE incoming AS SELECT file_row_number::INTEGER AS idx, num, birth, kana FROM read_parquet('${incomingFile}', file_row_number = true)`,
    );
    const t2 = performance.now();
    const { asOf, policy } = options;
    const birthInForce = asOf >= MIS_ENTRY_RULES.BIRTH_DATE.effectiveFrom;
    const kanaInForce = asOf >= MIS_ENTRY_RULES.KANA_NAME.effectiveFrom;
    const noHistory = asOf >= MIS_ENTRY_RULES.JLIS_NO_HISTORY.effectiveFrom;
    // As the kernel: from 2023-04-14 (policy) every registration goes to J-LIS, as from 2024-05-01.
    const every =
      (policy.jlisCheckEveryRegistration &&
        asOf >= MIS_ENTRY_RULES.JLIS_EVERY_REGISTRATION.effectiveFrom) ||
      (policy.fiveFactJlisMatch && asOf >= MIS_ENTRY_RULES.JLIS_FIVE_FACTS.effectiveFrom);
    const result = await connection.runAndReadAll(`
      WITH m AS (
        SELECT i.idx,
               count(e.idx) > 0 AS has_history,
               min(e.idx) FILTER (WHERE e.birth <> i.birth) AS first_birth,
               min(e.idx) FILTER (WHERE e.birth = i.birth AND e.kana <> i.kana) AS first_kana
        FROM incoming i LEFT JOIN existing e ON e.num = i.num
        GROUP BY i.idx
      ), c AS (
        SELECT CASE
                 WHEN has_history AND ${birthInForce} AND first_birth IS NOT NULL THEN 'BIRTH_DATE_MISMATCH'
                 WHEN has_history AND ${kanaInForce} AND first_kana IS NOT NULL THEN 'KANA_NAME_MISMATCH'
                 WHEN ${every} OR (NOT has_history AND ${noHistory}) THEN 'NEEDS_JLIS'
                 WHEN has_history AND ${birthInForce} THEN 'CONSISTENT'
                 ELSE 'NOT_CHECKED' END AS code,
               CASE
                 WHEN has_history AND ${birthInForce} AND first_birth IS NOT NULL THEN first_birth
                 WHEN has_history AND ${kanaInForce} AND first_kana IS NOT NULL THEN first_kana
                 ELSE NULL END AS conflict
        FROM m
      )
      SELECT code, count(*)::DOUBLE AS n, coalesce(sum(conflict), 0)::DOUBLE AS s FROM c GROUP BY code`);
    const t3 = performance.now();
    const used = process.cpuUsage(cpu);
    const counts: DuckdbResult['counts'] = {};
    for (const row of result.getRowObjects()) {
      counts[String(row.code)] = { rows: Number(row.n), conflictSum: Number(row.s) };
    }
    return {
      threads: options.threads,
      prepareMs: t1 - t0,
      cpuMs: (used.user + used.system) / 1000,
      loadMs: t2 - t1,
      matchMs: t3 - t2,
      counts,
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
