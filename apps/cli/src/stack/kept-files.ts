import { readFile, rename, writeFile } from 'node:fs/promises';

/**
 * The entries of a JSON list the stack keeps in its data dir (practitioners' keys, credentials);
 * [] when there is none yet.
 */
export async function readKeptEntries<T>(file: string): Promise<T[]> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Writes a kept list, readable by the owner only (it holds keys and secrets). Written aside and
 * renamed over the old one: a run killed mid-write leaves the old list, not a truncated one the
 * next start could not read, and the list is 0600 even where an older one was not (writeFile's
 * mode applies only to a file it creates).
 */
export async function writeKeptEntries(file: string, entries: readonly unknown[]): Promise<void> {
  const aside = `${file}.${process.pid}.tmp`;
  await writeFile(aside, `${JSON.stringify(entries, null, 2)}\n`, { mode: 0o600 });
  await rename(aside, file);
}

/**
 * Puts an institution's entry in a kept list, in place of the one an earlier run left. Components
 * start one after another, so read-then-write does not race.
 */
export async function keepInstitutionEntry<T extends { institutionCode: string }>(
  file: string,
  entry: T,
): Promise<void> {
  const others = (await readKeptEntries<T>(file)).filter(
    (e) => e.institutionCode !== entry.institutionCode,
  );
  await writeKeptEntries(file, [...others, entry]);
}
