import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newSecret, requireSecret } from '@shikaku/platform/secrets';

/**
 * The secrets the stack's apps run with. The apps have no default secrets (a published default
 * lets anyone forge tokens or call internal endpoints), so the stack makes its own, random per
 * run, and prints what a developer needs (the service key, the J-LIS control key).
 */
export interface StackSecrets {
  /** `x-service-key` of every app's internal endpoints. */
  serviceKey: string;
  /** Signs eligibility-api's tokens. */
  tokenSecret: string;
  /** `x-control-key` of J-LIS's fault control. */
  jlisControlKey: string;
  /** `x-control-key` of the stack's clock control (`shikaku clock advance`). */
  clockControlKey: string;
  /**
   * The personRef pseudonym's key (insurer-api). Stored personRefs are derived from it, so it lives
   * as long as the database: kept in the data dir when the database outlives the run.
   */
  personRefSecret: string;
  /**
   * The card issuing secret: J-LIS answers each user certificate's public key and the emulated
   * cards sign with the private key, both derived from it (packages/core/src/card-key.ts). Both
   * sides derive anew each run, so it need not outlive the run.
   */
  cardKeySecret: string;
}

export const PERSON_REF_SECRET_FILE = 'person-ref-secret';

export async function makeStackSecrets(options: {
  dataDir: string;
  /** The database outlives this run (a PGlite folder or a PostgreSQL server). */
  persistent: boolean;
  /** SHIKAKU_SERVICE_KEY when given (a load test that starts the stack needs to know it). */
  serviceKey: string | undefined;
}): Promise<StackSecrets> {
  return {
    serviceKey:
      options.serviceKey === undefined
        ? newSecret()
        : requireSecret({ SHIKAKU_SERVICE_KEY: options.serviceKey }, 'SHIKAKU_SERVICE_KEY'),
    tokenSecret: newSecret(),
    jlisControlKey: newSecret(),
    clockControlKey: newSecret(),
    cardKeySecret: newSecret(),
    personRefSecret: options.persistent
      ? await keptSecret(join(options.dataDir, PERSON_REF_SECRET_FILE))
      : newSecret(),
  };
}

/** The secret in `file`, made (readable by the owner only) on first use. */
async function keptSecret(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = newSecret();
  // 'wx': two stacks starting on one data dir do not overwrite each other's key.
  try {
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readFile(file, 'utf8')).trim();
  }
}
