// Insurers and their credentials (only a hash of each key is stored).
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

/** Inserts insurers or replaces their name, key and webhook. */
export async function upsertInsurers(
  handle: DatabaseHandle,
  insurers: ReadonlyArray<Insurer & { keyHash: string }>,
  at: Date,
): Promise<void> {
  if (insurers.length === 0) return;
  await handle.db
    .insertInto('intermediate.insurers')
    .values(
      insurers.map((insurer) => ({
        insurer_number: insurer.insurerNumber,
        name: insurer.name,
        key_hash: insurer.keyHash,
        webhook_url: insurer.webhookUrl,
        created_at: at,
      })),
    )
    .onConflict((oc) =>
      oc.column('insurer_number').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        key_hash: eb.ref('excluded.key_hash'),
        webhook_url: eb.ref('excluded.webhook_url'),
      })),
    )
    .execute();
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

export async function countInsurers(handle: DatabaseHandle): Promise<number> {
  const row = await handle.db
    .selectFrom('intermediate.insurers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
