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
  return row ? toConsent(row) : undefined;
}

/** A person's consents, newest first (the citizen's own view: what they consented to, until when). */
export async function listConsentsByPerson(
  handle: DatabaseHandle,
  personRef: string,
  limit = 200,
): Promise<ConsentRecord[]> {
  const rows = await handle.db
    .selectFrom('eligibility.consents')
    .selectAll()
    .where('person_ref', '=', personRef)
    .orderBy('cons_time', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toConsent);
}

type ConsentRow = {
  consent_id: string;
  person_ref: string;
  institution_code: string;
  cons_time: Date | string;
  available_time: Date | string;
  specific_health_checkups: boolean;
  pharmacists: boolean;
  diagnosis: boolean;
  operations: boolean;
  limit_application_certificate: boolean;
};

function toConsent(row: ConsentRow): ConsentRecord {
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
