// Migrated templates that test databases start from, made once per test run (global-setup.ts)
// instead of once per test file: PGlite's initdb and every migration cost ~5–8 s of CPU, loading
// the template's dump ~2 s; on PostgreSQL, `create database … template` copies the migrated
// files instead of running each migration again (docs/benchmarks.md, test databases from a
// template). Each template is named after its migrations' fingerprint, so a test database never
// starts from one that other migrations made.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { databaseUrl, dropDatabase } from '../admin.js';
import { type DatabaseHandle, openDatabase } from '../database.js';
import { migrateToLatest, migrationFingerprint } from '../migrate.js';
import { pgliteTemplateName } from '../pglite-template.js';
import { processIsGone, testDatabaseNameEnd } from './stale-databases.js';

/** The templates of a test run; '' where there is none (then each database is migrated). */
export interface TestTemplates {
  /** A PGlite `dumpDataDir` tarball of the migrated template (`pglite-<version>-<fp>.tar`). */
  pgliteDump: string;
  /** A migrated PostgreSQL database to copy (`shikaku_tpl_<fp>_…`), on the tests' server. */
  postgres: string;
}

/**
 * A migrated PGlite as a `dumpDataDir` tarball under `templateRoot`, which
 * `openDatabase({ pgliteDump })` opens in memory: made in memory (no data dir to copy first), once
 * per PGlite version and migration set (named as pglite-template.ts names its template), and
 * published by rename. Other runs of the same checkout wait for the one making it rather than
 * each running initdb at once (turbo starts every package's tests together); the lock only saves
 * work, the renames keep a concurrent maker safe.
 */
export async function pgliteTemplateDump(templateRoot: string): Promise<string> {
  const name = await pgliteTemplateName();
  const dump = join(templateRoot, `${name}.tar`);
  if (existsSync(dump)) return dump;
  await mkdir(templateRoot, { recursive: true });
  return withLock(join(templateRoot, `${name}.lock`), async () => {
    if (existsSync(dump)) return dump;
    await pruneOtherTemplates(templateRoot, name);
    const partial = `${dump}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      const handle = await openDatabase();
      let tar: Blob;
      try {
        await migrateToLatest(handle);
        tar = await handle.pglite!.dumpDataDir('none');
      } finally {
        await handle.close();
      }
      await writeFile(partial, Buffer.from(await tar.arrayBuffer()));
      await rename(partial, dump);
    } finally {
      await rm(partial, { force: true });
    }
    return dump;
  });
}

/** Whether `dump` was made by this PGlite from these migrations. */
export async function isCurrentPgliteDump(dump: string): Promise<boolean> {
  return basename(dump) === `${await pgliteTemplateName()}.tar`;
}

/**
 * Dumps of other PGlite versions or migrations, and the data-dir templates earlier versions of
 * this file made, which nothing will open again (the folder is the tests' own, and each checkout
 * has its own).
 */
async function pruneOtherTemplates(templateRoot: string, current: string): Promise<void> {
  for (const entry of await readdir(templateRoot)) {
    const ours = entry.startsWith(`${current}.tar`) || entry === `${current}.lock`;
    if (entry.startsWith('pglite-') && !ours) {
      await rm(join(templateRoot, entry), { recursive: true, force: true });
    }
  }
}

const LOCK_WAIT_MS = 120_000;

/**
 * Runs `work` holding the lock folder `lock`; a holder that died or takes longer than
 * LOCK_WAIT_MS is no longer waited for (the work is safe to run twice, only wasted).
 */
async function withLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  let held = false;
  while (!held && Date.now() - started < LOCK_WAIT_MS) {
    try {
      await mkdir(lock);
      held = true;
      await writeFile(join(lock, 'pid'), String(process.pid));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await holderDied(lock)) await rm(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await work();
  } finally {
    if (held) await rm(lock, { recursive: true, force: true });
  }
}

async function holderDied(lock: string): Promise<boolean> {
  const pid = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
  if (!pid) {
    // Between mkdir and the pid's write, or killed there: give it a few seconds.
    const made = await stat(lock).catch(() => undefined);
    return made !== undefined && Date.now() - made.mtimeMs > 10_000;
  }
  return processIsGone(pid);
}

/** `shikaku_tpl_<fp>_`: the start of the name of every PostgreSQL template of these migrations. */
async function postgresTemplatePrefix(): Promise<string> {
  return `shikaku_tpl_${(await migrationFingerprint()).slice(0, 12)}_`;
}

/**
 * Makes a migrated PostgreSQL database to copy test databases from, named for this run so that
 * parallel runs on one server do not share one (and a later run can drop it if this one is killed:
 * stale-databases.ts). It refuses connections once migrated: `create
 * database … template` fails while anyone (autovacuum included) is connected to the template.
 */
export async function createPostgresTemplate(adminUrl: string): Promise<string> {
  const name = `${await postgresTemplatePrefix()}${testDatabaseNameEnd()}`;
  const admin = await openDatabase({ url: adminUrl, poolSize: 1 });
  try {
    await sql`create database ${sql.id(name)}`.execute(admin.db);
    try {
      // Two connections: the migration lock holds one while the migrations run on another.
      const handle = await openDatabase({ url: databaseUrl(adminUrl, name), poolSize: 2 });
      try {
        await migrateToLatest(handle);
      } finally {
        await handle.close();
      }
      await sql`alter database ${sql.id(name)} with is_template true allow_connections false`.execute(
        admin.db,
      );
    } catch (error) {
      await dropTemplateIn(admin, adminUrl, name);
      throw error;
    }
  } finally {
    await admin.close();
  }
  return name;
}

/** Drops a template createPostgresTemplate made (a template database cannot be dropped as such). */
export async function dropPostgresTemplate(adminUrl: string, name: string): Promise<void> {
  const admin = await openDatabase({ url: adminUrl, poolSize: 1 });
  try {
    await dropTemplateIn(admin, adminUrl, name);
  } finally {
    await admin.close();
  }
}

async function dropTemplateIn(
  admin: DatabaseHandle,
  adminUrl: string,
  name: string,
): Promise<void> {
  const exists = await sql`select 1 from pg_database where datname = ${name}`.execute(admin.db);
  if (exists.rows.length === 0) return;
  await sql`alter database ${sql.id(name)} with is_template false`.execute(admin.db);
  await dropDatabase(adminUrl, name);
}

/** Whether `template` is a PostgreSQL template of these migrations. */
export async function isCurrentPostgresTemplate(template: string): Promise<boolean> {
  return template.startsWith(await postgresTemplatePrefix());
}

/** Where the tests of this checkout keep their PGlite templates (ignored by git). */
export const testTemplateRoot = fileURLToPath(
  new URL('../../node_modules/.cache/shikaku-pglite-templates', import.meta.url),
);
