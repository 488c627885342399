// Whether a facility may file a subsidy application: one per facility (the subsidy is granted once,
// on the readers it introduced), and the readers claimed must be readers it applied for and did not
// lose to a cancellation. Pure: it runs under the institution row's lock (applyForSubsidy).
import type { SubsidyStanding } from '@shikaku/db/portal/subsidy-applications';

export type SubsidyRefusal =
  | { code: 'DUPLICATE'; existingId: number }
  | { code: 'NO_READER_APPLICATION' }
  | { code: 'READERS_NOT_APPLIED'; applied: number };

export function admitSubsidyApplication(
  standing: SubsidyStanding,
  readers: number,
): SubsidyRefusal | undefined {
  const existing = standing.live[0];
  if (existing) return { code: 'DUPLICATE', existingId: existing.id };
  if (standing.readersApplied === 0) return { code: 'NO_READER_APPLICATION' };
  if (readers > standing.readersApplied)
    return { code: 'READERS_NOT_APPLIED', applied: standing.readersApplied };
  return undefined;
}
