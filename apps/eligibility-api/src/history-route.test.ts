import type {} from '@shikaku/db/testing/global-setup';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkupHistory, drugHistory } from './history.js';
import { createFixture, seedQualifications, snapshot, type Fixture } from './testing/fixture.js';

// The information route draws a person's history from the stored qualification's birth date and sex.
describeEachDatabase('drug and checkup information by age', ({ handle }) => {
  let f: Fixture;
  const people = [
    { personRef: 'p-baby', serial: 'SERIAL-BABY', birthDate: '2021-07-01', sex: '2' as const },
    { personRef: 'p-fifty', serial: 'SERIAL-FIFTY', birthDate: '1971-01-10', sex: '1' as const },
  ];

  beforeAll(async () => {
    f = await createFixture(handle());
    await seedQualifications(
      handle(),
      people.map((p, k) => ({
        personRef: p.personRef,
        qualification: snapshot({
          qualificationId: `q-${p.personRef}`,
          insuredIdentificationNumber: String(900 + k),
          birthDate: p.birthDate,
          sex: p.sex,
        }),
      })),
    );
    for (const p of people)
      f.upstream.cards.set(p.serial, { personRef: p.personRef, myNumber: '', status: 'valid' });
  });
  afterAll(async () => {
    await f?.app.close();
  });

  it('shows a newborn no checkup and nothing before birth, and a 50-year-old the same history on every view', async () => {
    const auth = { authorization: `Bearer ${await f.token()}` };
    const doctor = await f.practitioner('doctor');
    const view = async (consentId: string, kind: string) => {
      const url = `/v1/consents/${consentId}/${kind}`;
      const response = await f.app.inject({
        method: 'GET',
        url,
        headers: { ...auth, ...doctor.proof('GET', url) },
      });
      expect(response.statusCode).toBe(200);
      return response.json().items as Record<string, unknown>[];
    };
    for (const p of people) {
      const registered = await f.app.inject({
        method: 'POST',
        url: '/v1/card-registrations',
        headers: auth,
        payload: { certificateSerial: p.serial },
      });
      expect(registered.statusCode).toBe(201);
      const confirmed = await f.app.inject({
        method: 'POST',
        url: '/v1/card-confirmations',
        headers: auth,
        payload: {
          certificateSerial: p.serial,
          verificationMethod: 'face',
          consents: { pharmacists: true, specificHealthCheckups: true },
        },
      });
      expect(confirmed.statusCode).toBe(200);
      const consentId = confirmed.json().consents.consentId as string;
      const drugs = await view(consentId, 'drug-information');
      const checkups = await view(consentId, 'checkup-information');
      // The app's seed is 7 and the clock 2021-07-15 (JST).
      expect(drugs).toEqual(drugHistory(7, p, '2021-07-15'));
      expect(checkups).toEqual(checkupHistory(7, p, '2021-07-15'));
      for (const d of drugs) expect(d.dispensedOn! >= p.birthDate).toBe(true);
      if (p.personRef === 'p-baby') expect(checkups).toEqual([]);
      else expect(drugs.length + checkups.length).toBeGreaterThan(0);
      // Half an hour later, inside the consent (and the token's life): the same records.
      f.clock.set(new Date('2021-07-15T01:30:00Z'));
      expect(await view(consentId, 'drug-information')).toEqual(drugs);
      f.clock.set(new Date('2021-07-15T01:00:00Z'));
    }
  });
});
