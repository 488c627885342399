import { expect, it } from 'vitest';
import { qualificationUpserted } from '../testing/qualification-events.js';
import { describeEachDatabase } from '../testing/test-database.js';
import { type AccessLogEntry, createAccessLogWriter, listAccessLogByPerson } from './access-log.js';
import { upsertCardLink } from './card-links.js';
import { findInformationViewContext, findInformationViewContexts } from './information-views.js';
import { upsertInstitution } from './institutions.js';
import { insertPractitioner, revokePractitioner } from './practitioners.js';
import { type ConsentRecord, findConsent } from './consents.js';
import { applyOutboxPage, findCardHolder, findCardHoldersBySerials } from './qualifications.js';

const at = new Date('2021-10-20T01:00:00Z');
const institutionCode = '0110113719';

function consent(consentId: string, personRef: string): ConsentRecord {
  return {
    consentId,
    personRef,
    institutionCode,
    consTime: at,
    availableTime: new Date(at.getTime() + 86_400_000),
    specificHealthCheckups: true,
    pharmacists: true,
    diagnosis: false,
    operations: false,
    limitApplicationCertificate: false,
  };
}

function entry(personRef: string, given?: ConsentRecord): AccessLogEntry {
  return {
    at,
    institutionCode,
    personRef,
    kind: 'card-confirmation',
    items: ['qualification'],
    consentState: given ? 'valid' : 'not-given',
    qualificationValidity: '1',
    consent: given,
  };
}

describeEachDatabase("a card confirmation's statements", ({ handle }) => {
  it("reads the card's link with all its person's qualifications, batched, in the callers' order", async () => {
    await applyOutboxPage(
      handle(),
      'relay',
      [
        qualificationUpserted(1, { qualificationId: 'q1', personRef: 'p1' }),
        qualificationUpserted(2, { qualificationId: 'q2', personRef: 'p1' }),
        qualificationUpserted(3, { qualificationId: 'q3', personRef: 'p3' }),
      ],
      3,
      at,
    );
    for (const [serial, personRef] of [
      ['C1', 'p1'],
      ['C2', 'p-without-qualifications'],
      ['C3', 'p3'],
    ] as const)
      await upsertCardLink(handle(), { certificateSerial: serial, personRef, institutionCode }, at);

    const batch = await findCardHoldersBySerials(handle(), ['C3', 'C-unknown', 'C1', 'C2']);
    expect(batch.map((h) => h?.personRef)).toEqual([
      'p3',
      undefined,
      'p1',
      'p-without-qualifications',
    ]);
    expect(batch[2]?.qualifications.map((q) => q.qualificationId).sort()).toEqual(['q1', 'q2']);
    expect(batch[3]?.qualifications).toEqual([]);

    // Concurrent confirmations share the batcher; each gets its own card's answer.
    const [one, none, three] = await Promise.all([
      findCardHolder(handle(), 'C1'),
      findCardHolder(handle(), 'C-unknown'),
      findCardHolder(handle(), 'C3'),
    ]);
    expect(one?.qualifications).toHaveLength(2);
    expect(none).toBeUndefined();
    expect(three).toMatchObject({ personRef: 'p3', qualifications: [{ qualificationId: 'q3' }] });
  });

  it('commits a consent with its access log entry, by the commit the caller waits for', async () => {
    const writer = createAccessLogWriter(handle(), { maxBatch: 3 });
    await Promise.all([
      writer.append(entry('p-consent', consent('K1', 'p-consent'))),
      writer.append(entry('p-consent')),
      writer.append(entry('p-consent', consent('K2', 'p-consent'))),
      writer.append(entry('p-consent', consent('K3', 'p-consent'))),
    ]);
    expect(await findConsent(handle(), 'K1')).toEqual(consent('K1', 'p-consent'));
    expect(await findConsent(handle(), 'K3')).toMatchObject({ personRef: 'p-consent' });
    expect(await listAccessLogByPerson(handle(), 'p-consent')).toHaveLength(4);
    await writer.close();
  });

  it('fails only the entry whose consent cannot be inserted; its batch mates commit', async () => {
    const failedBatches: number[] = [];
    const writer = createAccessLogWriter(handle(), {
      maxBatch: 10,
      concurrency: 1,
      onBatchFailure: (_error, batchSize) => failedBatches.push(batchSize),
    });
    // The first goes out alone; the next three wait and travel together in one statement.
    const first = writer.append(entry('p-dup', consent('D0', 'p-dup')));
    const batch = [
      writer.append(entry('p-dup', consent('D1', 'p-dup'))),
      writer.append(entry('p-dup', consent('D1', 'p-dup'))),
      writer.append(entry('p-dup')),
    ];
    await first;
    const outcomes = await Promise.allSettled(batch);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await listAccessLogByPerson(handle(), 'p-dup')).toHaveLength(3);
    expect(await findConsent(handle(), 'D1')).toMatchObject({ personRef: 'p-dup' });
    expect(failedBatches).toEqual([3]);
    await writer.close();
  });
});

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
    await writer.append(entry('p1', consent('K1', 'p1')));
    await writer.close();
    for (const code of [institutionCode, '1310000016']) {
      await upsertInstitution(
        handle(),
        { institutionCode: code, facilityType: 'clinic', name: code, rateLimitPerSecond: 10 },
        at,
      );
      await insertPractitioner(handle(), {
        practitionerId: `dr-${code}`,
        institutionCode: code,
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
      institutionCode,
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

    await revokePractitioner(handle(), institutionCode, `dr-${institutionCode}`, at);
    const after = await findInformationViewContext(handle(), {
      certificateSerial: 'HPKI-1',
      consentId: 'K1',
    });
    expect(
      after.registrations.find((r) => r.institutionCode === institutionCode)?.revokedAt,
    ).toEqual(at);
  });
});
