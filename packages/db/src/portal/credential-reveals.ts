// A newly issued secret waiting for its one showing. The portal stores it sealed under a key only
// the browser's one-time token opens, so any instance behind a load balancer can show it, and
// the showing deletes it: a second request (this instance or another) finds nothing.
import type { DatabaseHandle } from '../database.js';

export interface CredentialReveal {
  accountId: number;
  tokenHash: string;
  clientId: string;
  sealedSecret: string;
  at: Date;
  expiresAt: Date;
}

/** Keeps one waiting secret per account: a newer one (a rotation) replaces the older. */
export async function storeCredentialReveal(
  handle: DatabaseHandle,
  reveal: CredentialReveal,
): Promise<void> {
  const row = {
    account_id: reveal.accountId,
    token_hash: reveal.tokenHash,
    client_id: reveal.clientId,
    sealed_secret: reveal.sealedSecret,
    created_at: reveal.at,
    expires_at: reveal.expiresAt,
  };
  await handle.db
    .insertInto('portal.credential_reveals')
    .values(row)
    .onConflict((oc) =>
      oc.column('account_id').doUpdateSet({
        token_hash: row.token_hash,
        client_id: row.client_id,
        sealed_secret: row.sealed_secret,
        created_at: row.created_at,
        expires_at: row.expires_at,
      }),
    )
    .execute();
}

/**
 * Takes the account's waiting secret for this token, once: the delete returns it to exactly one
 * caller, whichever instance asks first. Expired or another token: nothing (and an expired one is
 * deleted all the same).
 */
export async function takeCredentialReveal(
  handle: DatabaseHandle,
  query: { accountId: number; tokenHash: string; now: Date },
): Promise<{ clientId: string; sealedSecret: string } | undefined> {
  const row = await handle.db
    .deleteFrom('portal.credential_reveals')
    .where('account_id', '=', query.accountId)
    .where('token_hash', '=', query.tokenHash)
    .returning(['client_id', 'sealed_secret', 'expires_at'])
    .executeTakeFirst();
  if (!row || new Date(row.expires_at).getTime() <= query.now.getTime()) return undefined;
  return { clientId: row.client_id, sealedSecret: row.sealed_secret };
}

/** Deletes waiting secrets nobody picked up in time. */
export async function deleteExpiredCredentialReveals(
  handle: DatabaseHandle,
  now: Date,
): Promise<number> {
  const result = await handle.db
    .deleteFrom('portal.credential_reveals')
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
