// Institutions, accounts, sessions and one-time email tokens of the portal.
import type { Kysely, Selectable } from 'kysely';
import type { DatabaseHandle } from '../database.js';
import type { Database } from '../schema.js';
import { insertMail, type NewMail } from './mail.js';
import type {
  AccountRole,
  FacilityTypeCode,
  PortalAccountsTable,
  PortalInstitutionsTable,
} from './tables.js';

export type Institution = Selectable<PortalInstitutionsTable>;
export type Account = Selectable<PortalAccountsTable>;

export interface NewInstitution {
  institutionCode: string;
  name: string;
  facilityType: FacilityTypeCode;
  largeChain: boolean;
  prefecture: string;
  createdAt: Date;
}

export interface NewAccount {
  email: string;
  passwordHash: string;
  role: AccountRole;
  institutionCode: string | null;
  createdAt: Date;
  emailVerifiedAt?: Date | null;
}

/** Thrown when a unique key is taken (institution code or email); callers map it to a form error. */
export class DuplicateError extends Error {
  constructor(readonly field: 'institutionCode' | 'email') {
    super(`${field} already registered`);
    this.name = 'DuplicateError';
  }
}

export async function findInstitution(
  handle: DatabaseHandle,
  institutionCode: string,
): Promise<Institution | undefined> {
  return handle.db
    .selectFrom('portal.institutions')
    .selectAll()
    .where('institution_code', '=', institutionCode)
    .executeTakeFirst();
}

/** A one-time email token and the mail that carries its link, written with the change they serve. */
export interface TokenMail {
  tokenHash: string;
  purpose: 'verify' | 'reset';
  expiresAt: Date;
  mails: readonly NewMail[];
}

/**
 * Registers an institution and its account together; either both exist or neither. With
 * `verification`, its token and mail are written in the same transaction: an account is never left
 * without the mail that verifies it.
 */
export async function registerInstitutionAccount(
  handle: DatabaseHandle,
  institution: NewInstitution,
  account: Omit<NewAccount, 'role' | 'institutionCode'>,
  verification?: TokenMail,
): Promise<Account> {
  return handle.db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('portal.accounts')
      .select(['email', 'institution_code'])
      .where((eb) =>
        eb.or([
          eb('email', '=', account.email),
          eb('institution_code', '=', institution.institutionCode),
        ]),
      )
      .execute();
    if (taken.some((t) => t.institution_code === institution.institutionCode)) {
      throw new DuplicateError('institutionCode');
    }
    if (taken.length > 0) throw new DuplicateError('email');
    const existing = await trx
      .selectFrom('portal.institutions')
      .select('institution_code')
      .where('institution_code', '=', institution.institutionCode)
      .executeTakeFirst();
    if (existing) {
      // Seeded institutions exist before anyone signs up for them: keep their history.
      await trx
        .updateTable('portal.institutions')
        .set({
          name: institution.name,
          facility_type: institution.facilityType,
          large_chain: institution.largeChain,
        })
        .where('institution_code', '=', institution.institutionCode)
        .execute();
    } else {
      await trx.insertInto('portal.institutions').values(institutionRow(institution)).execute();
    }
    const created = await trx
      .insertInto('portal.accounts')
      .values({
        email: account.email,
        password_hash: account.passwordHash,
        role: 'institution',
        institution_code: institution.institutionCode,
        created_at: account.createdAt,
        email_verified_at: account.emailVerifiedAt ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (verification) await addEmailToken(trx, created.id, verification, account.createdAt);
    return created;
  });
}

export async function insertInstitutions(
  handle: DatabaseHandle,
  institutions: readonly (NewInstitution & {
    readerAppliedAt?: Date | null;
    usageAppliedAt?: Date | null;
    operatingAt?: Date | null;
  })[],
): Promise<void> {
  if (institutions.length === 0) return;
  await handle.db
    .insertInto('portal.institutions')
    .values(
      institutions.map((i) => ({
        ...institutionRow(i),
        reader_applied_at: i.readerAppliedAt ?? null,
        usage_applied_at: i.usageAppliedAt ?? null,
        operating_at: i.operatingAt ?? null,
      })),
    )
    .onConflict((oc) => oc.column('institution_code').doNothing())
    .execute();
}

function institutionRow(i: NewInstitution) {
  return {
    institution_code: i.institutionCode,
    name: i.name,
    facility_type: i.facilityType,
    large_chain: i.largeChain,
    prefecture: i.prefecture,
    created_at: i.createdAt,
  };
}

export async function insertAccount(handle: DatabaseHandle, account: NewAccount): Promise<Account> {
  const taken = await findAccountByEmail(handle, account.email);
  if (taken) throw new DuplicateError('email');
  return handle.db
    .insertInto('portal.accounts')
    .values({
      email: account.email,
      password_hash: account.passwordHash,
      role: account.role,
      institution_code: account.institutionCode,
      created_at: account.createdAt,
      email_verified_at: account.emailVerifiedAt ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findAccountByEmail(
  handle: DatabaseHandle,
  email: string,
): Promise<Account | undefined> {
  return handle.db
    .selectFrom('portal.accounts')
    .selectAll()
    .where('email', '=', email)
    .executeTakeFirst();
}

export async function findAccount(
  handle: DatabaseHandle,
  id: number,
): Promise<Account | undefined> {
  return handle.db
    .selectFrom('portal.accounts')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listAccountsForNotices(
  handle: DatabaseHandle,
): Promise<Array<{ email: string }>> {
  return handle.db
    .selectFrom('portal.accounts')
    .select('email')
    .where('role', '=', 'institution')
    .where('email_verified_at', 'is not', null)
    .orderBy('id')
    .execute();
}

export async function setPasswordHash(
  handle: DatabaseHandle,
  accountId: number,
  passwordHash: string,
): Promise<void> {
  await handle.db
    .updateTable('portal.accounts')
    .set({ password_hash: passwordHash })
    .where('id', '=', accountId)
    .execute();
  // A new password ends every session opened with the old one.
  await handle.db.deleteFrom('portal.sessions').where('account_id', '=', accountId).execute();
}

export async function markEmailVerified(
  handle: DatabaseHandle,
  accountId: number,
  at: Date,
): Promise<void> {
  await handle.db
    .updateTable('portal.accounts')
    .set({ email_verified_at: at })
    .where('id', '=', accountId)
    .where('email_verified_at', 'is', null)
    .execute();
}

// Sessions ---------------------------------------------------------------------------------------

export async function insertSession(
  handle: DatabaseHandle,
  session: { tokenHash: string; accountId: number; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await handle.db
    .insertInto('portal.sessions')
    .values({
      token_hash: session.tokenHash,
      account_id: session.accountId,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
    })
    .execute();
}

/** The account of a live session, or undefined when unknown or expired at `now`. */
export async function findSessionAccount(
  handle: DatabaseHandle,
  tokenHash: string,
  now: Date,
): Promise<Account | undefined> {
  return handle.db
    .selectFrom('portal.sessions as s')
    .innerJoin('portal.accounts as a', 'a.id', 's.account_id')
    .selectAll('a')
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
}

export async function deleteSession(handle: DatabaseHandle, tokenHash: string): Promise<void> {
  await handle.db.deleteFrom('portal.sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteExpiredSessions(handle: DatabaseHandle, now: Date): Promise<number> {
  const result = await handle.db
    .deleteFrom('portal.sessions')
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

// One-time email tokens (verification, password reset) ---------------------------------------------

/** A token and its mail (queued at `at`), in one transaction: both are written or neither. */
export async function insertEmailToken(
  handle: DatabaseHandle,
  token: Omit<TokenMail, 'mails'> & { accountId: number; mails?: readonly NewMail[] },
  at: Date = new Date(),
): Promise<void> {
  await handle.db
    .transaction()
    .execute((trx) => addEmailToken(trx, token.accountId, { mails: [], ...token }, at));
}

async function addEmailToken(
  db: Kysely<Database>,
  accountId: number,
  token: TokenMail,
  at: Date,
): Promise<void> {
  await db
    .insertInto('portal.email_tokens')
    .values({
      token_hash: token.tokenHash,
      account_id: accountId,
      purpose: token.purpose,
      expires_at: token.expiresAt,
    })
    .execute();
  await insertMail(db, token.mails, at);
}

/** Uses a token once: answers its account id when it was unused and unexpired at `now`. */
export async function consumeEmailToken(
  handle: DatabaseHandle,
  tokenHash: string,
  purpose: 'verify' | 'reset',
  now: Date,
): Promise<number | undefined> {
  const row = await handle.db
    .updateTable('portal.email_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('account_id')
    .executeTakeFirst();
  return row?.account_id;
}

/** The email of the institution's account, when one signed up. */
export async function findInstitutionAccountEmail(
  handle: DatabaseHandle,
  institutionCode: string,
): Promise<string | undefined> {
  const row = await handle.db
    .selectFrom('portal.accounts')
    .select('email')
    .where('institution_code', '=', institutionCode)
    .executeTakeFirst();
  return row?.email;
}

/**
 * Institutions operating online eligibility confirmation at `at` (usage approved): the ones
 * eligibility-api must know, so their credentials can be issued.
 */
export async function listOperatingInstitutions(
  handle: DatabaseHandle,
  at: Date,
): Promise<Array<{ institutionCode: string; facilityType: string; name: string }>> {
  const rows = await handle.db
    .selectFrom('portal.institutions')
    .select(['institution_code', 'facility_type', 'name'])
    .where('operating_at', 'is not', null)
    .where('operating_at', '<=', at)
    .orderBy('institution_code')
    .execute();
  return rows.map((r) => ({
    institutionCode: r.institution_code,
    facilityType: r.facility_type,
    name: r.name,
  }));
}
