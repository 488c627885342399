// A bulk load into empty tables runs faster with their indexes built once afterwards than kept up
// row by row: PostgreSQL builds a B-tree or hash index from sorted input, where each COPYed row
// otherwise descends every index of its table (in PGlite, all in WebAssembly on the one thread).
// Seeding the stack's 100,000 registrations took 3.6 s of CPU into the indexed table and 2.0 s
// loading the bare table then building its four indexes (docs/benchmarks.md, stack start-up).
import type { RawExecutor } from './raw.js';

interface TableIndex {
  table: string;
  /** The index's (schema-qualified where needed) name. */
  index: string;
  /** The primary key, unique or exclusion constraint the index backs, quoted; null for a bare index. */
  constraint: string | null;
  /** `CREATE INDEX …`, or the constraint's definition (`PRIMARY KEY (…)`, `UNIQUE (…)`). */
  definition: string;
}

/**
 * Locks `tables` against every other writer until the caller's transaction ends (readers go on),
 * so that a check that they are empty still holds when the load comes. Take it before the check:
 * a second seeder then waits here and finds the first one's rows, where both seeing the tables
 * empty would deadlock on withIndexesBuiltAfter's drops.
 */
export async function lockForLoad(executor: RawExecutor, tables: readonly string[]): Promise<void> {
  await executor.query(`lock table ${tables.join(', ')} in exclusive mode`);
}

/**
 * Runs `load` in the caller's transaction with the indexes of `tables` dropped (the constraints
 * they back too), then builds them again as they were: same names, definitions and constraints.
 * For loads into empty tables only (a seed, checked under lockForLoad): a duplicate key then fails
 * the rebuild, and so the transaction, where it would have failed the row's insert. No foreign key
 * may reference the tables (dropping a referenced key fails). A failed or killed transaction
 * leaves the indexes as they were (DDL is transactional).
 */
export async function withIndexesBuiltAfter<T>(
  executor: RawExecutor,
  tables: readonly string[],
  load: () => Promise<T>,
): Promise<T> {
  const { rows: indexes } = await executor.query<TableIndex>(
    `select i.indrelid::regclass::text as "table", i.indexrelid::regclass::text as "index",
            quote_ident(con.conname) as "constraint",
            coalesce(pg_get_constraintdef(con.oid), pg_get_indexdef(i.indexrelid)) as "definition"
     from pg_index i
     left join pg_constraint con on con.conindid = i.indexrelid and con.conrelid = i.indrelid
                                 and con.contype in ('p', 'u', 'x')
     where i.indrelid = any($1::text[]::regclass[])
     -- Primary keys first, back in the same order.
     order by i.indrelid, i.indisprimary desc, i.indexrelid`,
    [tables],
  );
  for (const { table, index, constraint } of indexes) {
    await executor.query(
      constraint ? `alter table ${table} drop constraint ${constraint}` : `drop index ${index}`,
    );
  }
  const result = await load();
  for (const { table, constraint, definition } of indexes) {
    await executor.query(
      constraint ? `alter table ${table} add constraint ${constraint} ${definition}` : definition,
    );
  }
  return result;
}
