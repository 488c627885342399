import { join } from 'node:path';
import type { DatabaseHandle } from '@shikaku/db/database';
import { insurerKeyHashes } from '@shikaku/db/intermediate/insurers';
import { createCredentialCache, login } from '@shikaku/eligibility-api/auth';
import { hashKey } from '@shikaku/insurer-api/auth';
import { type InsurerCredential, issueInsurerCredentials } from '@shikaku/insurer-api/seed';
import { AppError } from '@shikaku/platform/errors';
import { keepInstitutionEntry, readKeptEntries, writeKeptEntries } from './kept-files.js';

// A vendor configures a receipt computer with the printed client id and secret, a script with an
// insurer key: when the database outlives the run, a restart hands out the same ones (their
// plaintext kept in the data dir, owner-readable only, like the personRef secret) as long as the
// database still accepts them, and adds no credential rows.

/** The institutions' client credentials the stack made (the demo clinic, the readers'). */
export const CLIENT_CREDENTIALS_FILE = 'client-credentials.json';
/** Every insurer's key. */
export const INSURER_CREDENTIALS_FILE = 'insurer-credentials.json';

export interface ClientCredential {
  institutionCode: string;
  clientId: string;
  clientSecret: string;
}

/**
 * An institution's client credential: the kept one while eligibility-api still logs it in (the id
 * exists at that institution, the secret's hash matches, not revoked), else a new one from `issue`,
 * kept for the next run. A run whose database dies with it issues a new one and keeps nothing.
 */
export async function institutionCredential(options: {
  handle: DatabaseHandle;
  dataDir: string;
  /** The database outlives this run (as for the personRef secret). */
  persistent: boolean;
  institutionCode: string;
  now: Date;
  issue: () => Promise<{ clientId: string; clientSecret: string }>;
}): Promise<ClientCredential & { kept: boolean }> {
  if (!options.persistent) {
    return { institutionCode: options.institutionCode, ...(await options.issue()), kept: false };
  }
  const file = join(options.dataDir, CLIENT_CREDENTIALS_FILE);
  const kept = (await readKeptEntries<ClientCredential>(file)).find(
    (c) => c.institutionCode === options.institutionCode,
  );
  if (kept && (await logsIn(options, kept))) return { ...kept, kept: true };
  const issued = await options.issue();
  const credential: ClientCredential = {
    institutionCode: options.institutionCode,
    clientId: issued.clientId,
    clientSecret: issued.clientSecret,
  };
  await keepInstitutionEntry(file, credential);
  return { ...credential, kept: false };
}

/** Whether eligibility-api's login accepts the credential, for its institution. */
async function logsIn(
  options: { handle: DatabaseHandle; now: Date },
  credential: ClientCredential,
): Promise<boolean> {
  try {
    // No cache lifetime: the database's answer now.
    const record = await login(
      createCredentialCache(options.handle, 0),
      credential.clientId,
      credential.clientSecret,
      options.now.getTime(),
    );
    return record.institutionCode === credential.institutionCode;
  } catch (error) {
    if (error instanceof AppError) return false;
    throw error;
  }
}

export interface InsurerKeys {
  /** One per insurer, by insurer number. */
  credentials: InsurerCredential[];
  kept: number;
  issued: number;
  file: string;
}

/**
 * A key for each insurer: the kept one while the database still stores its hash for that insurer,
 * else a fresh one (only its hash stored). All of them go to the keys file.
 */
export async function insurerKeys(options: {
  handle: DatabaseHandle;
  dataDir: string;
  persistent: boolean;
  insurerNumbers: ReadonlySet<string>;
  at: Date;
}): Promise<InsurerKeys> {
  const file = join(options.dataDir, INSURER_CREDENTIALS_FILE);
  const kept = new Map<string, InsurerCredential>();
  const inFile = options.persistent ? await readKeptEntries<InsurerCredential>(file) : undefined;
  if (inFile) {
    const stored = await insurerKeyHashes(options.handle);
    for (const c of inFile) {
      if (!options.insurerNumbers.has(c.insurerNumber)) continue;
      if (stored.get(c.insurerNumber) === hashKey(c.key)) kept.set(c.insurerNumber, c);
    }
  }
  const missing = [...options.insurerNumbers].filter((n) => !kept.has(n));
  const fresh = new Map(
    (await issueInsurerCredentials(options.handle, missing, options.at)).map((c) => [
      c.insurerNumber,
      c,
    ]),
  );
  // By insurer number: a fresh stack and a restarted one list (and print) them in one order.
  const credentials = [...options.insurerNumbers].sort().map((n) => (kept.get(n) ?? fresh.get(n))!);
  // A restart that kept every key leaves the file as it was.
  if (fresh.size > 0 || inFile?.length !== credentials.length)
    await writeKeptEntries(file, credentials);
  return { credentials, kept: kept.size, issued: fresh.size, file };
}
