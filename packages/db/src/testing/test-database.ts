// Gives each test file a fresh, migrated database: an in-memory PGlite, and a throw-away database
// on the PostgreSQL server provided by global-setup.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { dropDatabase, recreateDatabase } from '../admin.js';
import { type DatabaseHandle, type DatabaseKind, openDatabase } from '../database.js';
import { migrateToLatest } from '../migrate.js';

export interface TestDatabase {
  handle: DatabaseHandle;
  cleanup(): Promise<void>;
}

export async function createTestDatabase(
  kind: DatabaseKind,
  postgresUrl = inject('postgresUrl'),
): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const handle = await openDatabase();
    await migrateToLatest(handle);
    return { handle, cleanup: () => handle.close() };
  }
  if (!postgresUrl) throw new Error('no PostgreSQL server for tests');
  const name = `shikaku_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const handle = await openDatabase({
    url: await recreateDatabase(postgresUrl, name),
    poolSize: 4,
  });
  await migrateToLatest(handle);
  return {
    handle,
    cleanup: async () => {
      await handle.close();
      await dropDatabase(postgresUrl, name);
    },
  };
}

/** The database kinds this run can test: PGlite always, PostgreSQL when a server was provided. */
export function testDatabaseKinds(): DatabaseKind[] {
  return inject('postgresUrl') ? ['pglite', 'postgres'] : ['pglite'];
}

/**
 * Runs the same suite once per database kind, each on a fresh migrated database.
 * Without a PostgreSQL server the PostgreSQL suite shows up as skipped, so the gap is visible.
 */
export function describeEachDatabase(
  title: string,
  body: (db: { handle: () => DatabaseHandle; kind: DatabaseKind }) => void,
): void {
  const kinds = testDatabaseKinds();
  for (const kind of kinds) {
    describe(`${title} [${kind}]`, () => {
      let test: TestDatabase | undefined;
      beforeAll(async () => {
        test = await createTestDatabase(kind);
      });
      afterAll(async () => {
        await test?.cleanup();
      });
      body({
        kind,
        handle: () => {
          if (!test) throw new Error('test database not ready');
          return test.handle;
        },
      });
    });
  }
  if (!kinds.includes('postgres')) {
    describe(`${title} [postgres]`, () => {
      it.skip('no PostgreSQL server (set DATABASE_URL or run Docker): ran on PGlite only', () => {});
    });
  }
}
