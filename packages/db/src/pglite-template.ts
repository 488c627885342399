// A fresh PGlite data dir starts as a copy of a migrated template instead of running initdb and
// every migration: PGlite's initdb (WebAssembly) costs ~7 s of CPU, copying the 38 MB template
// ~0.5 s, and opening the copy ~1.3 s, as a restart does (docs/benchmarks.md, stack
// start-up). The template is made once per PGlite version and migration set, on first use, under a
// cache folder, and published by rename so that a killed or concurrent maker never leaves half of
// one; the copy reaches the data dir by rename too.
import { randomBytes } from 'node:crypto';
import {
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
} from 'node:fs';
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { openDatabase } from './database.js';
import { migrateToLatest, migrationFingerprint } from './migrate.js';

/** What `preparePgliteDir` found or did. */
export type PreparedPgliteDir =
  /** The data dir held a database: nothing was done (a restart). */
  | 'existing'
  /** The data dir was made from the template, which was there already. */
  | 'copied'
  /** No template was there: it was made (initdb + migrations), then copied. */
  | 'template-made';

/**
 * Makes `dataDir` a migrated PGlite database when it holds none, from the template for this PGlite
 * and these migrations under `templateRoot` (made first when missing). A data dir that exists and
 * is not empty is left to PGlite as it is.
 */
export async function preparePgliteDir(
  dataDir: string,
  templateRoot: string,
): Promise<PreparedPgliteDir> {
  if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) return 'existing';
  // What a copy killed midway left (the data dir is one stack's own, so no copy is running).
  const parent = dirname(dataDir);
  const stale = `${basename(dataDir)}.partial-`;
  if (existsSync(parent)) {
    for (const name of await readdir(parent)) {
      if (name.startsWith(stale)) await rm(join(parent, name), { recursive: true, force: true });
    }
  }
  const template = join(templateRoot, await pgliteTemplateName());
  const made = existsSync(join(template, 'PG_VERSION')) ? false : await makeTemplate(template);
  const partial = `${dataDir}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(parent, { recursive: true });
  try {
    copyTree(template, partial);
    await rm(dataDir, { recursive: true, force: true });
    await rename(partial, dataDir);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  return made ? 'template-made' : 'copied';
}

/**
 * Copies a folder tree file by file with the synchronous calls (a clone where the file system
 * can): for the template's ~1,200 small files, 0.3–0.5 s of CPU against 1.0 s for `fs.cp`, whose
 * per-file promises and checks cost more than the copying (docs/benchmarks.md, stack start-up).
 * Nothing else runs while a stack prepares its data dir.
 */
function copyTree(from: string, to: string): void {
  mkdirSync(to);
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else copyFileSync(source, target, constants.COPYFILE_FICLONE);
  }
}

/** `pglite-<version>-<migrations>`: a new PGlite or a changed migration names a new template. */
export async function pgliteTemplateName(): Promise<string> {
  // The package exports no package.json; it sits above the entry point's dist folder.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const manifest = JSON.parse(
    await readFile(join(dirname(entry), '..', 'package.json'), 'utf8'),
  ) as { version: string };
  return `pglite-${manifest.version}-${(await migrationFingerprint()).slice(0, 16)}`;
}

/** initdb + migrations in a folder of its own, closed cleanly, then renamed into place. */
async function makeTemplate(template: string): Promise<true> {
  await mkdir(dirname(template), { recursive: true });
  const building = `${template}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const handle = await openDatabase({ pgliteDir: building });
    try {
      await migrateToLatest(handle);
    } finally {
      await handle.close();
    }
    await rename(building, template).catch((error: unknown) => {
      // Another process published the same template first: theirs serves.
      if (!existsSync(join(template, 'PG_VERSION'))) throw error;
    });
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return true;
}
