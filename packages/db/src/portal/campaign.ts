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

export type FunnelTotals = Record<FunnelStage, number>;

/**
 * The national funnel at each of `dates` (ascending) in one scan of the institutions, for the
 * dashboard's chart: each institution's milestones are bucketed by date and summed cumulatively.
 * Gives the same totals as funnelAt at each date (an institution counts from its creation, at the
 * furthest stage it had reached), without one query per date.
 */
export async function funnelOverTime(
  handle: DatabaseHandle,
  dates: readonly Date[],
): Promise<FunnelTotals[]> {
  if (dates.length === 0) return [];
  const csv = dates.map((d) => d.toISOString()).join(',');
  // The date a milestone counts from: not before the institution exists. A later stage implies
  // the earlier ones (an operating institution is also "applied").
  // Each milestone becomes a bucket (how many dates fall before it); rows are grouped by their four
  // buckets at once, so the table is scanned once and nothing is multiplied by the dates.
  const result = await sql<{
    created: number;
    applied: number | null;
    usage: number | null;
    operating: number | null;
    count: number;
  }>`
    with d as materialized (select string_to_array(${csv}, ',')::timestamptz[] as arr),
    m as (
      select i.created_at,
        least(i.reader_applied_at, i.usage_applied_at, i.operating_at) as applied,
        least(i.usage_applied_at, i.operating_at) as usage,
        i.operating_at as operating
      from portal.institutions i
    )
    select
      width_bucket(created_at - interval '1 microsecond', d.arr)::int as created,
      case when applied is not null
        then width_bucket(greatest(created_at, applied) - interval '1 microsecond', d.arr) end::int as applied,
      case when usage is not null
        then width_bucket(greatest(created_at, usage) - interval '1 microsecond', d.arr) end::int as usage,
      case when operating is not null
        then width_bucket(greatest(created_at, operating) - interval '1 microsecond', d.arr) end::int as operating,
      count(*)::int as count
    from m cross join d
    group by 1, 2, 3, 4`.execute(handle.db);
  // bucket = how many dates fall before the milestone, so it counts from dates[bucket] on.
  const reached: Record<string, number[]> = {};
  for (const kind of ['created', 'applied', 'usage', 'operating']) {
    reached[kind] = dates.map(() => 0);
  }
  for (const row of result.rows) {
    for (const kind of ['created', 'applied', 'usage', 'operating'] as const) {
      const bucket = row[kind];
      const perDate = reached[kind];
      if (bucket === null || !perDate || bucket >= dates.length) continue;
      perDate[bucket] = (perDate[bucket] ?? 0) + row.count;
    }
  }
  const cumulative = (kind: string) => {
    let sum = 0;
    return (reached[kind] ?? []).map((n) => (sum += n));
  };
  const created = cumulative('created');
  const applied = cumulative('applied');
  const usage = cumulative('usage');
  const operating = cumulative('operating');
  return dates.map((_, j) => ({
    not_applied: (created[j] ?? 0) - (applied[j] ?? 0),
    applied: (applied[j] ?? 0) - (usage[j] ?? 0),
    preparing: (usage[j] ?? 0) - (operating[j] ?? 0),
    operating: operating[j] ?? 0,
  }));
}

export async function countInstitutions(handle: DatabaseHandle): Promise<number> {
  const row = await handle.db
    .selectFrom('portal.institutions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
