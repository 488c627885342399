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

/** The consents table's columns, in the order of consentColumnArrays. */
export const CONSENT_COLUMNS = [
  'consent_id',
  'person_ref',
  'institution_code',
  'cons_time',
  'available_time',
  'specific_health_checkups',
  'pharmacists',
  'diagnosis',
  'operations',
  'limit_application_certificate',
] as const;

/** Consents as one array per column (CONSENT_COLUMNS' order), for an insert from unnest. */
export function consentColumnArrays(consents: readonly ConsentRecord[]): unknown[][] {
  return [
    consents.map((c) => c.consentId),
    consents.map((c) => c.personRef),
    consents.map((c) => c.institutionCode),
    consents.map((c) => c.consTime.toISOString()),
    consents.map((c) => c.availableTime.toISOString()),
    consents.map((c) => c.specificHealthCheckups),
    consents.map((c) => c.pharmacists),
    consents.map((c) => c.diagnosis),
    consents.map((c) => c.operations),
    consents.map((c) => c.limitApplicationCertificate),
  ];
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

export type ConsentRow = {
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

export function toConsent(row: ConsentRow): ConsentRecord {
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
