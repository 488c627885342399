// Insurers and their credentials (only a hash of each key is stored).
import { sql } from 'kysely';
import type { DatabaseHandle } from '../database.js';

export interface Insurer {
  insurerNumber: string;
  name: string;
  webhookUrl: string | null;
}

export async function upsertInsurer(
  handle: DatabaseHandle,
  insurer: Insurer & { keyHash: string },
  at: Date,
): Promise<void> {
  await upsertInsurers(handle, [insurer], at);
}

/**
 * Inserts insurers or replaces their name, key and webhook, in one statement over arrays: the stack
 * gives its ~3,400 insurers fresh keys on a fresh start, where a multi-row VALUES of five parameters
 * per insurer cost twice the CPU (docs/benchmarks.md, stack start-up). An insurer given twice
 * keeps its last entry.
 */
export async function upsertInsurers(
  handle: DatabaseHandle,
  insurers: ReadonlyArray<Insurer & { keyHash: string }>,
  at: Date,
): Promise<void> {
  const rows = [...new Map(insurers.map((i) => [i.insurerNumber, i])).values()];
  if (rows.length === 0) return;
  await sql`
    insert into intermediate.insurers (insurer_number, name, key_hash, webhook_url, created_at)
    select insurer_number, name, key_hash, webhook_url, ${at}::timestamptz
    from unnest(${rows.map((i) => i.insurerNumber)}::text[], ${rows.map((i) => i.name)}::text[],
                ${rows.map((i) => i.keyHash)}::text[], ${rows.map((i) => i.webhookUrl)}::text[])
      as i (insurer_number, name, key_hash, webhook_url)
    on conflict (insurer_number) do update
    set name = excluded.name, key_hash = excluded.key_hash, webhook_url = excluded.webhook_url`.execute(
    handle.db,
  );
}

export async function findInsurerByKeyHash(
  handle: DatabaseHandle,
  keyHash: string,
): Promise<Insurer | undefined> {
  const row = await handle.db
    .selectFrom('intermediate.insurers')
    .select(['insurer_number', 'name', 'webhook_url'])
    .where('key_hash', '=', keyHash)
    .executeTakeFirst();
  return row
    ? { insurerNumber: row.insurer_number, name: row.name, webhookUrl: row.webhook_url }
    : undefined;
}

/** Each insurer's stored key hash, by insurer number (the stack checks the keys it kept). */
export async function insurerKeyHashes(handle: DatabaseHandle): Promise<Map<string, string>> {
  const rows = await handle.db
    .selectFrom('intermediate.insurers')
    .select(['insurer_number', 'key_hash'])
    .execute();
  return new Map(rows.map((r) => [r.insurer_number, r.key_hash]));
}

/**
 * Sets (url and secret) or removes (null) an insurer's webhook. Notifications not yet delivered
 * go to the new address; false when there is no such insurer.
 */
export async function setInsurerWebhook(
  handle: DatabaseHandle,
  insurerNumber: string,
  webhook: { url: string; secret: string } | null,
): Promise<boolean> {
  const result = await handle.db
    .updateTable('intermediate.insurers')
    .set({ webhook_url: webhook?.url ?? null, webhook_secret: webhook?.secret ?? null })
    .where('insurer_number', '=', insurerNumber)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The insurer's webhook address and whether deliveries are signed (never the secret). */
export async function findInsurerWebhook(
  handle: DatabaseHandle,
  insurerNumber: string,
): Promise<{ url: string | null; signed: boolean } | undefined> {
  const row = await handle.db
    .selectFrom('intermediate.insurers')
    .select(['webhook_url', 'webhook_secret'])
    .where('insurer_number', '=', insurerNumber)
    .executeTakeFirst();
  return row ? { url: row.webhook_url, signed: row.webhook_secret !== null } : undefined;
}

export async function countInsurers(handle: DatabaseHandle): Promise<number> {
  const row = await handle.db
    .selectFrom('intermediate.insurers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
