import { sql } from 'kysely';
import type { DatabaseHandle } from '../database.js';

/**
 * Loads `count` synthetic qualifications straight into the eligibility store, generated inside
 * the database (no client round trip per row), for benchmarks at national scale. Member i
 * (1-based) has:
 *   insurer number  insurers[i % insurers.length]
 *   記号             (i % 1000) as text
 *   番号             i as text
 *   birth date      1940-01-01 + ((i * 7919) % 30000) days
 *   card            issued and valid from the qualification date 2015-04-01, no end date
 * so a load generator can rebuild any member's card numbers from i (see syntheticMemberKey).
 */
export async function loadSyntheticQualifications(
  handle: DatabaseHandle,
  options: { from: number; to: number; insurers: readonly string[] },
): Promise<void> {
  const insurers = sql.raw(
    `array[${options.insurers.map((n) => `'${n.replace(/\D/g, '')}'`).join(',')}]`,
  );
  const k = options.insurers.length;
  await sql`
    insert into eligibility.qualifications (
      qualification_id, person_ref, insurer_number, insurer_name, insured_card_classification,
      insured_card_symbol, insured_identification_number, insured_branch_number,
      personal_family_classification, name, name_kana, sex, birth_date, address, post_number,
      qualification_date, disqualification_date, reason_of_loss, income_class, card_issued_on,
      card_valid_from, card_valid_to, source_sequence, updated_at)
    select 'bench-' || i, 'bench-p' || i, (${insurers})[(i % ${k}) + 1], '合成保険者',
      '1', (i % 1000)::text, i::text, '00', case when i % 4 = 0 then '2' else '1' end,
      '合成 太郎', 'ゴウセイ タロウ', (1 + i % 2)::text,
      date '1940-01-01' + ((i * 7919) % 30000)::int, '東京都千代田区', '1000001',
      date '2015-04-01', null, null, 'general', date '2015-04-01', date '2015-04-01', null, 0,
      now()
    from generate_series(${options.from}::bigint, ${options.to}::bigint) as i
    on conflict (qualification_id) do nothing`.execute(handle.db);
}

/** The card numbers of synthetic member i, as loadSyntheticQualifications wrote them. */
export function syntheticMemberKey(
  i: number,
  insurers: readonly string[],
): { insurerNumber: string; symbol: string; number: string; birthDate: string } {
  const days = (i * 7919) % 30000;
  const birth = new Date(Date.UTC(1940, 0, 1) + days * 86_400_000).toISOString().slice(0, 10);
  return {
    insurerNumber: insurers[i % insurers.length] ?? '',
    symbol: String(i % 1000),
    number: String(i),
    birthDate: birth,
  };
}

export async function analyzeQualifications(handle: DatabaseHandle): Promise<void> {
  await sql`analyze eligibility.qualifications`.execute(handle.db);
}

export async function countAccessLog(handle: DatabaseHandle): Promise<number> {
  const result = await sql<{
    n: number;
  }>`select count(*)::bigint as n from eligibility.access_log`.execute(handle.db);
  return Number(result.rows[0]?.n ?? 0);
}
