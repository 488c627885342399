/** Consents given at the reader last 24 hours: AvailableTime = ConsTime + 24 h. */
export const CONSENT_VALIDITY_MS = 24 * 60 * 60 * 1000;

export type InformationKind = 'drug-information' | 'checkup-information';

/**
 * Who may view each kind (the role of the practitioner credential the request proves): drug
 * information doctors, dentists and pharmacists; checkups the same three, since pharmacies were
 * given them before operation began (docs/practitioners.md has the sources). A nurse sees neither.
 */
export const VIEWING_ROLES: Record<InformationKind, readonly string[]> = {
  'drug-information': ['doctor', 'dentist', 'pharmacist'],
  'checkup-information': ['doctor', 'dentist', 'pharmacist'],
};

export function consentAvailableTime(consTime: Date): Date {
  return new Date(consTime.getTime() + CONSENT_VALIDITY_MS);
}

/** How far back each kind of information reaches: drug 3 years, checkups 5 years. */
export const INFORMATION_YEARS: Record<InformationKind, number> = {
  'drug-information': 3,
  'checkup-information': 5,
};

export type ConsentCheck =
  | { ok: true }
  | {
      ok: false;
      code: 'CONSENT_EXPIRED' | 'CONSENT_NOT_GIVEN' | 'ROLE_NOT_ALLOWED' | 'INSTITUTION_MISMATCH';
    };

/** May this viewer, now, see this kind of information under this consent? A value, not a throw. */
export function checkInformationAccess(
  consent: {
    institutionCode: string;
    availableTime: Date;
    specificHealthCheckups: boolean;
    pharmacists: boolean;
  },
  viewer: { institutionCode: string; role: string | undefined },
  kind: InformationKind,
  now: Date,
): ConsentCheck {
  if (consent.institutionCode !== viewer.institutionCode)
    return { ok: false, code: 'INSTITUTION_MISMATCH' };
  if (!viewer.role || !VIEWING_ROLES[kind].includes(viewer.role))
    return { ok: false, code: 'ROLE_NOT_ALLOWED' };
  const given = kind === 'drug-information' ? consent.pharmacists : consent.specificHealthCheckups;
  if (!given) return { ok: false, code: 'CONSENT_NOT_GIVEN' };
  if (now.getTime() >= consent.availableTime.getTime())
    return { ok: false, code: 'CONSENT_EXPIRED' };
  return { ok: true };
}
