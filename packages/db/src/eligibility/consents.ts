import type { DatabaseHandle } from '../database.js';

export interface ConsentRecord {
  consentId: string;
  personRef: string;
  institutionCode: string;
  consTime: Date;
  availableTime: Date;
  specificHealthCheckups: boolean;
  pharmacists: boolean;
  diagnosis: boolean;
  operations: boolean;
  limitApplicationCertificate: boolean;
}

export async function insertConsent(handle: DatabaseHandle, consent: ConsentRecord): Promise<void> {
  await handle.db
    .insertInto('eligibility.consents')
    .values({
      consent_id: consent.consentId,
      person_ref: consent.personRef,
      institution_code: consent.institutionCode,
      cons_time: consent.consTime,
      available_time: consent.availableTime,
      specific_health_checkups: consent.specificHealthCheckups,
      pharmacists: consent.pharmacists,
      diagnosis: consent.diagnosis,
      operations: consent.operations,
      limit_application_certificate: consent.limitApplicationCertificate,
    })
    .execute();
}

export async function findConsent(
  handle: DatabaseHandle,
  consentId: string,
): Promise<ConsentRecord | undefined> {
  const row = await handle.db
    .selectFrom('eligibility.consents')
    .selectAll()
    .where('consent_id', '=', consentId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    consentId: row.consent_id,
    personRef: row.person_ref,
    institutionCode: row.institution_code,
    consTime: new Date(row.cons_time),
    availableTime: new Date(row.available_time),
    specificHealthCheckups: row.specific_health_checkups,
    pharmacists: row.pharmacists,
    diagnosis: row.diagnosis,
    operations: row.operations,
    limitApplicationCertificate: row.limit_application_certificate,
  };
}
