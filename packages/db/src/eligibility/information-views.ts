// A drug or checkup view's reads in one round trip: the practitioner registrations of the proof's
// certificate, the consent, and the birth date and sex its person's history follows. Read from the
// primary (never a replica), so a practitioner's revocation holds at once on every instance.
import { batchedPerHandle, LOOKUP_BATCHING } from '../batching.js';
import { type DatabaseHandle, type PreparedStatement, queryPrepared } from '../database.js';
import { type ConsentRecord, type ConsentRow, toConsent } from './consents.js';
import {
  type PractitionerRecord,
  type PractitionerRow,
  toPractitionerRecord,
} from './practitioners.js';

export interface InformationViewKey {
  /** The proof's certificate serial. */
  certificateSerial: string;
  consentId: string;
}

export interface InformationViewContext {
  /** Every registration of the certificate serial (at most one per institution). */
  registrations: PractitionerRecord[];
  consent: ConsentRecord | undefined;
  /** From one of the consent person's qualifications; undefined when none is held. */
  subject: { birthDate: string; sex: string } | undefined;
}

// Unnamed, so planned on every run: the consents start empty in a fresh stack (PreparedStatement).
const VIEW_CONTEXTS: PreparedStatement = {
  text: `select keys.k,
      (select coalesce(json_agg(p), '[]'::json) from eligibility.practitioners p
        where p.certificate_serial = keys.certificate_serial) as registrations,
      row_to_json(c) as consent,
      (select json_build_object('birth_date', q.birth_date, 'sex', q.sex)
        from eligibility.qualifications q where q.person_ref = c.person_ref limit 1) as subject
    from unnest($1::text[], $2::text[]) with ordinality as keys(certificate_serial, consent_id, k)
      left join eligibility.consents c on c.consent_id = keys.consent_id`,
};

/** Many views' reads in one statement; one answer per key, in order. */
export async function findInformationViewContexts(
  handle: DatabaseHandle,
  keys: readonly InformationViewKey[],
): Promise<InformationViewContext[]> {
  const rows = await queryPrepared<{
    k: number;
    registrations: PractitionerRow[];
    consent: ConsentRow | null;
    subject: { birth_date: string; sex: string } | null;
  }>(handle, VIEW_CONTEXTS, [keys.map((k) => k.certificateSerial), keys.map((k) => k.consentId)]);
  const found = new Array<InformationViewContext>(keys.length);
  for (const row of rows)
    found[Number(row.k) - 1] = {
      registrations: row.registrations.map(toPractitionerRecord),
      consent: row.consent ? toConsent(row.consent) : undefined,
      subject: row.subject
        ? { birthDate: row.subject.birth_date, sex: row.subject.sex }
        : undefined,
    };
  return found;
}

/** One view's reads, sharing a statement with the views made concurrently on the same handle. */
export const findInformationViewContext = batchedPerHandle(
  findInformationViewContexts,
  LOOKUP_BATCHING,
);
