// vitest globalSetup for packages whose tests touch the database. PostgreSQL comes from
// DATABASE_URL, else from a testcontainers container when a Docker engine answers; with neither,
// the repository tests run on PGlite only and this says so. It also makes the migrated templates
// each test database starts from (templates.ts), once for the run.
import type { TestProject } from 'vitest/node';
import { dropStaleTestDatabases } from './stale-databases.js';
import {
  createPostgresTemplate,
  dropPostgresTemplate,
  pgliteTemplateDump,
  testTemplateRoot,
  type TestTemplates,
} from './templates.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of a PostgreSQL server for tests, or '' when there is none. */
    postgresUrl: string;
    /** The migrated templates test databases start from. */
    testTemplates: TestTemplates;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let url = process.env.DATABASE_URL ?? '';
  let stop: (() => Promise<unknown>) | undefined;
  if (!url) {
    try {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:16-alpine').start();
      url = container.getConnectionUri();
      stop = () => container.stop();
      console.info(`[shikaku] PostgreSQL tests run on a testcontainers server`);
    } catch {
      console.warn(
        '[shikaku] No DATABASE_URL and no Docker engine: repository tests ran on PGlite only.',
      );
    }
  } else {
    console.info('[shikaku] PostgreSQL tests run on DATABASE_URL');
  }
  if (url) {
    const stale = await dropStaleTestDatabases(url);
    if (stale.length > 0)
      console.info(`[shikaku] Dropped ${stale.length} test databases that killed runs left behind`);
  }
  const templates: TestTemplates = {
    pgliteDump: await pgliteTemplateDump(testTemplateRoot),
    postgres: url ? await createPostgresTemplate(url) : '',
  };
  project.provide('postgresUrl', url);
  project.provide('testTemplates', templates);
  return async () => {
    if (templates.postgres) await dropPostgresTemplate(url, templates.postgres);
    await stop?.();
  };
}
