import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { DatabaseHandle } from '../database.js';
import { describeEachDatabase } from '../testing/test-database.js';
import { withIndexesBuiltAfter } from './indexes-after-load.js';
import { withRawTransaction } from './raw.js';

/** Every index of the test tables with its definition, and every constraint with its own. */
async function indexesAndConstraints(handle: DatabaseHandle) {
  const { rows } = await sql<{ name: string; definition: string }>`
    select indexname as name, indexdef as definition from pg_indexes
    where schemaname = 'indexes_after_load'
    union all
    select conname, contype::text || ' ' || pg_get_constraintdef(oid) from pg_constraint
    where connamespace = 'indexes_after_load'::regnamespace
    order by 1, 2`.execute(handle.db);
  return rows;
}

async function count(handle: DatabaseHandle, table: string): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from ${sql.table(table)}`.execute(handle.db);
  return rows[0]!.n;
}

describeEachDatabase('withIndexesBuiltAfter', ({ handle }) => {
  it('loads without the indexes and builds the same ones again; a failed load keeps them', async () => {
    await sql`create schema indexes_after_load`.execute(handle().db);
    await sql`create table indexes_after_load.cards (
                id text primary key, insurer text not null, card text not null, person text,
                due timestamptz, constraint cards_card unique (insurer, card))`.execute(
      handle().db,
    );
    await sql`create index cards_person on indexes_after_load.cards using hash (person)`.execute(
      handle().db,
    );
    await sql`create index cards_due on indexes_after_load.cards (due, id) where due is not null`.execute(
      handle().db,
    );
    await sql`create table indexes_after_load.events (batch int, position int,
                primary key (batch, position))`.execute(handle().db);
    const before = await indexesAndConstraints(handle());
    expect(before.map((r) => r.name)).toEqual([
      'cards_card',
      'cards_card',
      'cards_due',
      'cards_person',
      'cards_pkey',
      'cards_pkey',
      'events_pkey',
      'events_pkey',
    ]);
    const tables = ['indexes_after_load.cards', 'indexes_after_load.events'];

    const seen = await withRawTransaction(handle(), (executor) =>
      withIndexesBuiltAfter(executor, tables, async () => {
        // While loading, the tables have no index: nothing to keep up row by row.
        const { rows } = await executor.query<{ n: number }>(
          `select count(*)::int as n from pg_indexes where schemaname = 'indexes_after_load'`,
        );
        await executor.load(
          'indexes_after_load.cards',
          ['id', 'insurer', 'card', 'person', 'due'],
          [
            ['q1', '01', '1', 'P1', null],
            ['q2', '01', '2', 'P2', '2021-07-15T01:00:00Z'],
          ],
        );
        await executor.load('indexes_after_load.events', ['batch', 'position'], [[1, 0]]);
        return rows[0]!.n;
      }),
    );
    expect(seen).toBe(0);
    expect(await indexesAndConstraints(handle())).toEqual(before);
    expect(await count(handle(), 'indexes_after_load.cards')).toBe(2);
    // The unique constraint holds again.
    await expect(
      sql`insert into indexes_after_load.cards (id, insurer, card) values ('q3', '01', '1')`.execute(
        handle().db,
      ),
    ).rejects.toThrow();

    // A duplicate key fails the rebuild, and so the transaction: nothing loaded, indexes kept.
    await sql`truncate indexes_after_load.cards, indexes_after_load.events`.execute(handle().db);
    await expect(
      withRawTransaction(handle(), (executor) =>
        withIndexesBuiltAfter(executor, tables, () =>
          executor.load(
            'indexes_after_load.cards',
            ['id', 'insurer', 'card'],
            [
              ['q1', '01', '1'],
              ['q2', '01', '1'],
            ],
          ),
        ),
      ),
    ).rejects.toThrow();
    expect(await indexesAndConstraints(handle())).toEqual(before);
    expect(await count(handle(), 'indexes_after_load.cards')).toBe(0);
  });
});
