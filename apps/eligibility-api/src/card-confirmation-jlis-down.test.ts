// Card confirmations while J-LIS is down (docs/decisions.md): a card whose status J-LIS gave
// within 24 hours confirms, marked as from the held status; a card with none held answers 503
// CERTIFICATE_STATUS_UNAVAILABLE; a revoked card stays refused.
import type {} from '@shikaku/db/testing/global-setup';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createFixture,
  type Fixture,
  MY_NUMBER,
  seedQualifications,
  snapshot,
} from './testing/fixture.js';

describeEachDatabase('card confirmations while J-LIS is down', ({ handle }) => {
  let f: Fixture;
  let auth: { authorization: string };
  const register = (certificateSerial: string) =>
    f.app.inject({
      method: 'POST',
      url: '/v1/card-registrations',
      headers: auth,
      payload: { certificateSerial },
    });
  const confirm = (certificateSerial: string) =>
    f.app.inject({
      method: 'POST',
      url: '/v1/card-confirmations',
      headers: auth,
      payload: { certificateSerial, verificationMethod: 'face' },
    });

  beforeAll(async () => {
    f = await createFixture(handle());
    await seedQualifications(handle(), [
      { personRef: 'p-down-1', qualification: snapshot({ qualificationId: 'q-down-1' }) },
      {
        personRef: 'p-down-2',
        qualification: snapshot({
          qualificationId: 'q-down-2',
          insuredIdentificationNumber: '9001',
        }),
      },
    ]);
    for (const [serial, personRef] of [
      ['SERIAL-DOWN-VALID', 'p-down-1'],
      ['SERIAL-DOWN-REVOKED', 'p-down-2'],
    ] as const)
      f.upstream.cards.set(serial, { personRef, myNumber: MY_NUMBER, status: 'valid' });
    auth = { authorization: `Bearer ${await f.token()}` };
    for (const serial of ['SERIAL-DOWN-VALID', 'SERIAL-DOWN-REVOKED'])
      expect((await register(serial)).statusCode).toBe(201);
  });
  afterAll(async () => {
    f.upstream.jlis.down = false;
    await f.app.close();
  });

  it('confirms with the held valid status, refuses revoked, and says 503 with a code when none is held', async () => {
    const up = await confirm('SERIAL-DOWN-VALID');
    expect(up.statusCode).toBe(200);
    expect(up.json().certificateStatus).toMatchObject({ source: 'jlis' });
    f.upstream.cards.get('SERIAL-DOWN-REVOKED')!.status = 'revoked';
    expect((await confirm('SERIAL-DOWN-REVOKED')).json()).toMatchObject({ code: 'CARD_REVOKED' });

    f.upstream.jlis.down = true;
    f.clock.set(new Date(f.clock.now().getTime() + 3 * 3_600_000));
    auth = { authorization: `Bearer ${await f.token()}` }; // tokens last an hour
    const held = await confirm('SERIAL-DOWN-VALID');
    expect(held.statusCode).toBe(200);
    expect(held.json()).toMatchObject({
      qualificationValidity: '1',
      certificateStatus: { source: 'cache', checkedAt: up.json().certificateStatus.checkedAt },
    });

    const revoked = await confirm('SERIAL-DOWN-REVOKED');
    expect(revoked.statusCode).toBe(409);
    expect(revoked.json()).toMatchObject({ code: 'CARD_REVOKED' });

    // Registered before this process held a status for it (e.g. after a restart): no guess.
    f.upstream.cards.set('SERIAL-DOWN-NEW', {
      personRef: 'p-down-1',
      myNumber: MY_NUMBER,
      status: 'valid',
    });
    const none = await register('SERIAL-DOWN-NEW');
    expect(none.statusCode).toBe(503);
    expect(none.json()).toMatchObject({ code: 'CERTIFICATE_STATUS_UNAVAILABLE' });

    // Past 24 hours the held valid status no longer answers.
    f.clock.set(new Date(f.clock.now().getTime() + 22 * 3_600_000));
    auth = { authorization: `Bearer ${await f.token()}` };
    const stale = await confirm('SERIAL-DOWN-VALID');
    expect(stale.statusCode).toBe(503);
    expect(stale.json()).toMatchObject({ code: 'CERTIFICATE_STATUS_UNAVAILABLE' });
  });
});
