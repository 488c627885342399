// The prepared statements on tables that start empty in a fresh stack (consents, card links,
// practitioner nonces) must not keep a plan made while the table was empty. PostgreSQL settles on
// a prepared statement's generic plan after five runs when it costs no more than the custom ones,
// and keeps it until the table's statistics change. A national-peak load test whose view context
// had its arrays behind `(select $n)` (unnestParameters) kept such a plan and scanned the whole
// consents table on every view as it grew (docs/benchmarks.md, "A generic plan made on an empty
// table stays"). This replays that life cycle: runs while the table is nearly empty, then many
// rows with no ANALYZE (autovacuum lags behind a table growing at load-test speed; it is switched
// off for the table here so that it cannot refresh the statistics mid-test), then a run that must
// reach the table through its index.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../database.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { findInformationViewContexts } from './information-views.js';
import { usePractitionerNonces } from './practitioners.js';
import { findCardHoldersBySerials } from './qualifications.js';

/** Runs before the table grows: PostgreSQL decides between generic and custom plans at the sixth. */
const EARLY_RUNS = 8;
/** Rows the table then holds: enough that a sequential scan costs far more than an index probe. */
const GROWN_ROWS = 100_000;

const now = new Date('2026-12-03T08:00:00Z');
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);

/** Sequential scans of `eligibility.<table>` so far, as this connection's statistics say. */
async function sequentialScans(handle: DatabaseHandle, table: string): Promise<number> {
  // The backend's counters reach the view when it goes idle after a forced flush.
  await sql`select pg_stat_force_next_flush()`.execute(handle.db);
  const { rows } = await sql<{ n: string }>`select seq_scan::text as n from pg_stat_user_tables
    where schemaname = 'eligibility' and relname = ${table}`.execute(handle.db);
  return Number(rows[0]?.n);
}

const postgresUrl = inject('postgresUrl');

if (!postgresUrl) {
  describe('plans of statements on tables that start empty [postgres]', () => {
    it.skip('needs PostgreSQL: PGlite has no plan cache that outlives a statement to test', () => {});
  });
} else {
  describe('plans of statements on tables that start empty [postgres]', () => {
    let test: TestDatabase | undefined;
    // One connection, so every run of a statement meets the same prepared statement (each pooled
    // connection has its own) and the statistics read are the ones it wrote.
    let handle: DatabaseHandle;
    beforeAll(async () => {
      test = await createTestDatabase('postgres', postgresUrl);
      handle = await openDatabase({ url: test.handle.url, poolSize: 1 });
    });
    afterAll(async () => {
      await handle?.close();
      await test?.cleanup();
    });

    /**
     * Runs `statement` EARLY_RUNS times on the nearly empty `table`, fills the table with `grow`,
     * then counts the sequential scans of one more run.
     */
    async function scansOnceGrown(
      table: string,
      statement: (run: number) => Promise<unknown>,
      grow: () => Promise<unknown>,
    ): Promise<number> {
      await sql`alter table ${sql.id('eligibility', table)} set (autovacuum_enabled = false)`.execute(
        handle.db,
      );
      for (let run = 0; run < EARLY_RUNS; run++) await statement(run);
      await grow();
      const before = await sequentialScans(handle, table);
      await statement(EARLY_RUNS);
      return (await sequentialScans(handle, table)) - before;
    }

    it('a view context finds its consent by index once the consents have grown', async () => {
      const consents = (from: number, to: number) =>
        sql`insert into eligibility.consents
        select 'consent-' || i, 'person-' || i, '1310000001', ${now}, ${now},
          true, true, true, true, true
        from generate_series(${from}::int, ${to}::int) as i`.execute(handle.db);
      await consents(1, 30);
      const scans = await scansOnceGrown(
        'consents',
        (run) =>
          findInformationViewContexts(handle, [
            { certificateSerial: 'HPKI-VIEW', consentId: `consent-${run + 1}` },
          ]),
        () => consents(31, GROWN_ROWS),
      );
      expect(scans).toBe(0);
    });

    it('a card holder read finds its card link by index once the card links have grown', async () => {
      const links = (from: number, to: number) =>
        sql`insert into eligibility.card_links
        select 'serial-' || i, 'person-' || i, '1310000001', ${now}
        from generate_series(${from}::int, ${to}::int) as i`.execute(handle.db);
      await links(1, 30);
      const scans = await scansOnceGrown(
        'card_links',
        (run) => findCardHoldersBySerials(handle, [`serial-${run + 1}`]),
        () => links(31, GROWN_ROWS),
      );
      expect(scans).toBe(0);
    });

    it('a practitioner’s nonce is checked and swept by index once the nonces have grown', async () => {
      const scans = await scansOnceGrown(
        'practitioner_nonces',
        (run) =>
          usePractitionerNonces(handle, [
            {
              certificateSerial: 'HPKI-NONCE',
              nonce: `nonce-${run}`,
              expiresAt: minutes(5),
              now,
            },
          ]),
        // The last window's nonces, none expired yet.
        () =>
          sql`insert into eligibility.practitioner_nonces
          select 'HPKI-' || (i % 5000), 'nonce-grown-' || i, ${minutes(5)}
          from generate_series(1, ${GROWN_ROWS}::int) as i`.execute(handle.db),
      );
      expect(scans).toBe(0);
    });
  });
}
