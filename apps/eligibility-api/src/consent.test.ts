import { describe, expect, it } from 'vitest';
import { checkInformationAccess, consentAvailableTime } from './consent.js';
import { checkupHistory, drugHistory } from './history.js';

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

describe('synthetic histories', () => {
  it('are deterministic per seed and person and stay inside 3 / 5 years', () => {
    expect(drugHistory(1, 'p', '2021-07-15')).toEqual(drugHistory(1, 'p', '2021-07-15'));
    const many = Array.from({ length: 50 }, (_, i) => drugHistory(1, `p${i}`, '2021-07-15')).flat();
    expect(many.length).toBeGreaterThan(50);
    for (const r of many)
      expect(r.dispensedOn > '2018-07-15' && r.dispensedOn <= '2021-07-15').toBe(true);
    const checkups = Array.from({ length: 50 }, (_, i) =>
      checkupHistory(1, `p${i}`, '2021-07-15'),
    ).flat();
    expect(checkups.length).toBeGreaterThan(50);
    for (const r of checkups)
      expect(r.checkedOn > '2016-07-15' && r.checkedOn <= '2021-07-15').toBe(true);
    expect(drugHistory(2, 'p0', '2021-07-15')).not.toEqual(drugHistory(1, 'p0', '2021-07-15'));
  });
});
