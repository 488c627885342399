import { expect, it } from 'vitest';
import { qualificationUpserted } from '../testing/qualification-events.js';
import { describeEachDatabase } from '../testing/test-database.js';
import { createAccessLogWriter } from './access-log.js';
import { findConsent } from './consents.js';
import { findInformationViewContext, findInformationViewContexts } from './information-views.js';
import { upsertInstitution } from './institutions.js';
import { insertPractitioner, revokePractitioner } from './practitioners.js';
import { applyOutboxPage } from './qualifications.js';

const at = new Date('2026-12-03T08:00:00Z');
const CLINIC = '0110113719';

describeEachDatabase("a drug or checkup view's reads", ({ handle }) => {
  it('reads registrations, consent and subject in one statement, per key in order, revocation at once', async () => {
    await applyOutboxPage(
      handle(),
      'relay',
      [qualificationUpserted(1, { qualificationId: 'q1', personRef: 'p1' })],
      1,
      at,
    );
    const writer = createAccessLogWriter(handle());
    await writer.append({
      at,
      institutionCode: CLINIC,
      personRef: 'p1',
      kind: 'card-confirmation',
      items: ['qualification'],
      consentState: 'valid',
      qualificationValidity: '1',
      consent: {
        consentId: 'K1',
        personRef: 'p1',
        institutionCode: CLINIC,
        consTime: at,
        availableTime: new Date(at.getTime() + 86_400_000),
        specificHealthCheckups: true,
        pharmacists: true,
        diagnosis: false,
        operations: false,
        limitApplicationCertificate: false,
      },
    });
    await writer.close();
    for (const institutionCode of [CLINIC, '1310000016']) {
      await upsertInstitution(
        handle(),
        { institutionCode, facilityType: 'clinic', name: institutionCode, rateLimitPerSecond: 10 },
        at,
      );
      await insertPractitioner(handle(), {
        practitionerId: `dr-${institutionCode}`,
        institutionCode,
        name: '医師 一郎',
        role: 'doctor',
        certificateSerial: 'HPKI-1',
        publicKey: 'PEM',
        validFrom: new Date('2026-01-01T00:00:00Z'),
        validTo: new Date('2027-01-01T00:00:00Z'),
        registeredAt: at,
      });
    }

    const [known, unknown] = await findInformationViewContexts(handle(), [
      { certificateSerial: 'HPKI-1', consentId: 'K1' },
      { certificateSerial: 'HPKI-none', consentId: 'K-none' },
    ]);
    expect(known?.registrations.map((r) => r.institutionCode).sort()).toEqual([
      CLINIC,
      '1310000016',
    ]);
    expect(known?.registrations[0]).toMatchObject({
      role: 'doctor',
      validFrom: new Date('2026-01-01T00:00:00Z'),
      revokedAt: null,
    });
    expect(known?.consent).toEqual(await findConsent(handle(), 'K1'));
    expect(known?.subject).toEqual({ birthDate: '1989-09-13', sex: '2' });
    expect(unknown).toEqual({ registrations: [], consent: undefined, subject: undefined });

    await revokePractitioner(handle(), CLINIC, `dr-${CLINIC}`, at);
    const after = await findInformationViewContext(handle(), {
      certificateSerial: 'HPKI-1',
      consentId: 'K1',
    });
    expect(after.registrations.find((r) => r.institutionCode === CLINIC)?.revokedAt).toEqual(at);
  });
});
