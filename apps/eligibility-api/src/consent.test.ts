import { describe, expect, it } from 'vitest';
import { checkInformationAccess, consentAvailableTime } from './consent.js';

const consTime = new Date('2021-07-15T01:00:00Z');
const consent = {
  institutionCode: 'A',
  availableTime: consentAvailableTime(consTime),
  specificHealthCheckups: false,
  pharmacists: true,
};
const viewer = { institutionCode: 'A', role: 'pharmacist' };

describe('checkInformationAccess', () => {
  it('lasts exactly 24 hours', () => {
    expect(consent.availableTime.toISOString()).toBe('2021-07-16T01:00:00.000Z');
    const justBefore = new Date('2021-07-16T00:59:59.999Z');
    expect(checkInformationAccess(consent, viewer, 'drug-information', justBefore)).toEqual({
      ok: true,
    });
    expect(
      checkInformationAccess(consent, viewer, 'drug-information', consent.availableTime),
    ).toEqual({
      ok: false,
      code: 'CONSENT_EXPIRED',
    });
  });
  it('serves only what was consented, to doctors, dentists and pharmacists of that institution', () => {
    expect(checkInformationAccess(consent, viewer, 'checkup-information', consTime)).toMatchObject({
      code: 'CONSENT_NOT_GIVEN',
    });
    for (const role of ['doctor', 'dentist', 'pharmacist'])
      expect(
        checkInformationAccess(consent, { ...viewer, role }, 'drug-information', consTime).ok,
      ).toBe(true);
    for (const role of ['clerk', 'nurse', undefined])
      expect(
        checkInformationAccess(consent, { ...viewer, role }, 'drug-information', consTime),
      ).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
    expect(
      checkInformationAccess(
        consent,
        { ...viewer, institutionCode: 'B' },
        'drug-information',
        consTime,
      ),
    ).toMatchObject({ code: 'INSTITUTION_MISMATCH' });
  });
});
