// Institutions the portal holds as operating (the stack's seed approves some directly in the
// database, without the operator's approval route) must be known to eligibility-api, so their
// credential page works. The stack, whose apps share one database, registers them all at once.
import type { DatabaseHandle } from '@shikaku/db/database';
import { listOperatingInstitutions } from '@shikaku/db/portal/accounts';
import { eligibilityFacilityType } from './eligibility-client.js';

/**
 * Every institution operating at `at`, as the approval route registers it with eligibility-api
 * (eligibility-api's facility type names), in code order.
 */
export async function operatingInstitutionsToRegister(
  handle: DatabaseHandle,
  at: Date,
): Promise<Array<{ institutionCode: string; facilityType: string; name: string }>> {
  const institutions = await listOperatingInstitutions(handle, at);
  return institutions.map((i) => ({ ...i, facilityType: eligibilityFacilityType(i.facilityType) }));
}
