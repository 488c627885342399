// Institutions the portal holds as operating (the stack's seed approves some directly in the
// database, without the operator's approval route) are made known to eligibility-api, so their
// credential page works. Registration there is an upsert: running this again changes nothing.
import type { Clock } from '@shikaku/core/clock';
import type { DatabaseHandle } from '@shikaku/db/database';
import { listOperatingInstitutions } from '@shikaku/db/portal/accounts';
import type { EligibilityCredentialsClient } from './eligibility-client.js';

/** Registers every operating institution with eligibility-api; returns how many. */
export async function registerOperatingInstitutions(
  handle: DatabaseHandle,
  clock: Clock,
  eligibility: EligibilityCredentialsClient,
  concurrency = 8,
): Promise<number> {
  const institutions = await listOperatingInstitutions(handle, clock.now());
  let next = 0;
  const worker = async () => {
    while (next < institutions.length) {
      const institution = institutions[next++]!;
      await eligibility.registerInstitution(institution);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, institutions.length) }, worker));
  return institutions.length;
}
