import type { DatabaseHandle } from '../database.js';

export interface InstitutionRecord {
  institutionCode: string;
  facilityType: string;
  name: string;
  rateLimitPerSecond: number;
}

export interface CredentialRecord {
  clientId: string;
  institutionCode: string;
  secretHash: string;
  revoked: boolean;
  institution: InstitutionRecord;
}

/** Registers (or updates) an approved institution. */
export async function upsertInstitution(
  handle: DatabaseHandle,
  institution: InstitutionRecord,
  at: Date,
): Promise<void> {
  await handle.db
    .insertInto('eligibility.institutions')
    .values({
      institution_code: institution.institutionCode,
      facility_type: institution.facilityType,
      name: institution.name,
      rate_limit_per_second: institution.rateLimitPerSecond,
      created_at: at,
    })
    .onConflict((oc) =>
      oc.column('institution_code').doUpdateSet({
        facility_type: institution.facilityType,
        name: institution.name,
        rate_limit_per_second: institution.rateLimitPerSecond,
      }),
    )
    .execute();
}

export async function findInstitution(
  handle: DatabaseHandle,
  institutionCode: string,
): Promise<InstitutionRecord | undefined> {
  const row = await handle.db
    .selectFrom('eligibility.institutions')
    .selectAll()
    .where('institution_code', '=', institutionCode)
    .executeTakeFirst();
  return row
    ? {
        institutionCode: row.institution_code,
        facilityType: row.facility_type,
        name: row.name,
        rateLimitPerSecond: row.rate_limit_per_second,
      }
    : undefined;
}

export async function insertCredential(
  handle: DatabaseHandle,
  credential: { clientId: string; institutionCode: string; secretHash: string },
  at: Date,
): Promise<void> {
  await handle.db
    .insertInto('eligibility.credentials')
    .values({
      client_id: credential.clientId,
      institution_code: credential.institutionCode,
      secret_hash: credential.secretHash,
      created_at: at,
    })
    .execute();
}

/** Returns false when no live credential of that institution had that id. */
export async function revokeCredential(
  handle: DatabaseHandle,
  institutionCode: string,
  clientId: string,
  at: Date,
): Promise<boolean> {
  const result = await handle.db
    .updateTable('eligibility.credentials')
    .set({ revoked_at: at })
    .where('client_id', '=', clientId)
    .where('institution_code', '=', institutionCode)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findCredential(
  handle: DatabaseHandle,
  clientId: string,
): Promise<CredentialRecord | undefined> {
  const row = await handle.db
    .selectFrom('eligibility.credentials as c')
    .innerJoin('eligibility.institutions as i', 'i.institution_code', 'c.institution_code')
    .select([
      'c.client_id',
      'c.institution_code',
      'c.secret_hash',
      'c.revoked_at',
      'i.facility_type',
      'i.name',
      'i.rate_limit_per_second',
    ])
    .where('c.client_id', '=', clientId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    clientId: row.client_id,
    institutionCode: row.institution_code,
    secretHash: row.secret_hash,
    revoked: row.revoked_at !== null,
    institution: {
      institutionCode: row.institution_code,
      facilityType: row.facility_type,
      name: row.name,
      rateLimitPerSecond: row.rate_limit_per_second,
    },
  };
}
