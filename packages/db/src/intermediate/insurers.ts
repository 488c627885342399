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
