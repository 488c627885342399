import { isInForce } from '@shikaku/core/eligibility';
import { documentValidToOn, insuranceDocumentKind } from '@shikaku/core/insurance-document';
import type { DatabaseHandle } from '@shikaku/db/database';
import { listAccessLogByPerson } from '@shikaku/db/eligibility/access-log';
import { listConsentsByPerson } from '@shikaku/db/eligibility/consents';
import { findQualificationsByPerson } from '@shikaku/db/eligibility/qualifications';
import { viewQualification } from '../confirm.js';
import { informationItems } from '../history.js';

/**
 * What a signed-in citizen sees of their own data (マイナポータル's 健康保険証 / 薬剤情報 / 特定健診
 * 情報 / 同意 / アクセス記録). Everything is keyed by the personRef of their card's link; nothing here
 * has a My Number to show, and no section takes a person from the request.
 */

/** Their qualifications, current and past, each with the document they hold (健康保険証 / 資格確認書). */
export async function citizenQualifications(handle: DatabaseHandle, personRef: string, on: string) {
  const held = await findQualificationsByPerson(handle, personRef);
  return held
    .map((q) => {
      const dates = {
        qualificationDate: q.qualificationDate,
        cardIssuedOn: q.cardIssuedOn ?? null,
        cardValidTo: q.cardValidTo ?? null,
      };
      return {
        state: isInForce(q, on) ? ('current' as const) : ('past' as const),
        document: { kind: insuranceDocumentKind(dates), validTo: documentValidToOn(dates, on) },
        ...viewQualification(q, on, true),
      };
    })
    .sort(
      (a, b) =>
        (a.state === b.state ? 0 : a.state === 'current' ? -1 : 1) ||
        b.qualificationDate.localeCompare(a.qualificationDate),
    );
}

/** Drug information (3 years) or checkups (5 years), from the stored birth date and sex. */
export async function citizenInformation(
  handle: DatabaseHandle,
  seed: number,
  kind: 'drug-information' | 'checkup-information',
  personRef: string,
  on: string,
) {
  const [held] = await findQualificationsByPerson(handle, personRef);
  const subject = held && { personRef, birthDate: held.birthDate, sex: held.sex };
  return informationItems(seed, kind, subject, on);
}

/** The consents they gave at readers, each with when it expires (and whether it has). */
export async function citizenConsents(handle: DatabaseHandle, personRef: string, now: Date) {
  return (await listConsentsByPerson(handle, personRef)).map((c) => ({
    consentId: c.consentId,
    institutionCode: c.institutionCode,
    consTime: c.consTime.toISOString(),
    availableTime: c.availableTime.toISOString(),
    expired: now.getTime() >= c.availableTime.getTime(),
    specificHealthCheckups: c.specificHealthCheckups,
    pharmacists: c.pharmacists,
    diagnosis: c.diagnosis,
    operations: c.operations,
    limitApplicationCertificate: c.limitApplicationCertificate,
  }));
}

/** Who looked at their data, when, and what (newest first). */
export async function citizenAccessLog(handle: DatabaseHandle, personRef: string) {
  return (await listAccessLogByPerson(handle, personRef)).map((e) => ({
    at: e.at.toISOString(),
    institutionCode: e.institutionCode,
    institutionName: e.institutionName,
    kind: e.kind,
    items: e.items,
    consentState: e.consentState,
    qualificationValidity: e.qualificationValidity,
    // The viewer's role where the entry names one (drug and checkup views; docs/practitioners.md).
    ...(e.practitioner ? { practitionerRole: e.practitioner.role } : {}),
  }));
}
