// Gives each test file a fresh, migrated database: an in-memory PGlite, and a throw-away database
// on the PostgreSQL server provided by global-setup.ts. Both start from the run's migrated
// templates (templates.ts) when they are there and made from these migrations; else the database
// is migrated here.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { createDatabaseFromTemplate, dropDatabase, recreateDatabase } from '../admin.js';
import { type DatabaseHandle, type DatabaseKind, openDatabase } from '../database.js';
import { migrateToLatest } from '../migrate.js';
import { testDatabaseNameEnd } from './stale-databases.js';
import { isCurrentPgliteDump, isCurrentPostgresTemplate, type TestTemplates } from './templates.js';

export interface TestDatabase {
  handle: DatabaseHandle;
  /** Whether it was copied from a migrated template or migrated on its own. */
  source: 'template' | 'migrated';
  cleanup(): Promise<void>;
}

export async function createTestDatabase(
  kind: DatabaseKind,
  postgresUrl = inject('postgresUrl'),
  // Absent where a package's vitest config has no global setup.
  templates: Partial<TestTemplates> = inject('testTemplates') ?? {},
): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const dump = templates.pgliteDump;
    if (dump && (await isCurrentPgliteDump(dump))) {
      const handle = await openDatabase({ pgliteDump: new Blob([await readFile(dump)]) });
      return { handle, source: 'template', cleanup: () => handle.close() };
    }
    const handle = await openDatabase();
    await migrateToLatest(handle);
    return { handle, source: 'migrated', cleanup: () => handle.close() };
  }
  if (!postgresUrl) throw new Error('no PostgreSQL server for tests');
  const name = `shikaku_test_${testDatabaseNameEnd()}`;
  const template = templates.postgres;
  const fromTemplate = !!template && (await isCurrentPostgresTemplate(template));
  const handle = await openDatabase({
    url: fromTemplate
      ? await createDatabaseFromTemplate(postgresUrl, name, template)
      : await recreateDatabase(postgresUrl, name),
    poolSize: 4,
  });
  if (!fromTemplate) await migrateToLatest(handle);
  return {
    handle,
    source: fromTemplate ? 'template' : 'migrated',
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
