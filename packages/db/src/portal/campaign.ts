// The national introduction funnel for the operators' campaign dashboard.
import { sql } from 'kysely';
import type { DatabaseHandle } from '../database.js';
import type { FacilityTypeCode } from './tables.js';

export type FunnelStage = 'not_applied' | 'applied' | 'preparing' | 'operating';

export interface FunnelCount {
  facilityType: FacilityTypeCode;
  prefecture: string;
  stage: FunnelStage;
  count: number;
}

/**
 * Institutions by facility type, prefecture and the furthest stage reached at `at`: operating
 * (usage approved), preparing (usage applied), applied (reader applied), else not applied.
 * Institutions registered after `at` are not counted.
 */
export async function funnelAt(handle: DatabaseHandle, at: Date): Promise<FunnelCount[]> {
  const result = await sql<{
    facility_type: FacilityTypeCode;
    prefecture: string;
    stage: FunnelStage;
    count: number;
  }>`
    select facility_type, prefecture,
      case
        when operating_at <= ${at} then 'operating'
        when usage_applied_at <= ${at} then 'preparing'
        when reader_applied_at <= ${at} then 'applied'
        else 'not_applied'
      end as stage,
      count(*)::int as count
    from portal.institutions
    where created_at <= ${at}
    group by 1, 2, 3
    order by 1, 2, 3`.execute(handle.db);
  return result.rows.map((r) => ({
    facilityType: r.facility_type,
    prefecture: r.prefecture,
    stage: r.stage,
    count: r.count,
  }));
}
