// A card confirmation seconds after the card's registration, while lookups read a replica that
// has not replayed the registration yet: the link is read again on the primary, not answered
// CARD_NOT_REGISTERED (packages/db/src/eligibility/qualifications.ts, findCardHolder).
import { openDatabase } from '@shikaku/db/database';
import { migrateToLatest } from '@shikaku/db/migrate';
import type {} from '@shikaku/db/testing/global-setup';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { expect, it } from 'vitest';
import { createFixture, MY_NUMBER, seedQualifications, snapshot } from '../testing/fixture.js';

describeEachDatabase('card confirmation on a lagging replica', ({ handle }) => {
  it('confirms a card registered a moment ago that the replica does not know yet', async () => {
    // A stand-in replica that has replayed nothing: no card links, no qualifications.
    const replica = await openDatabase();
    await migrateToLatest(replica, ['eligibility']);
    const f = await createFixture({ ...handle(), reads: () => replica });
    try {
      await seedQualifications(handle(), [
        { personRef: 'p-lag', qualification: snapshot({ qualificationId: 'q-lag' }) },
      ]);
      f.upstream.cards.set('SERIAL-LAG', {
        personRef: 'p-lag',
        myNumber: MY_NUMBER,
        status: 'valid',
      });
      const headers = { authorization: `Bearer ${await f.token()}` };
      const registered = await f.app.inject({
        method: 'POST',
        url: '/v1/card-registrations',
        headers,
        payload: { certificateSerial: 'SERIAL-LAG' },
      });
      expect(registered.statusCode).toBe(201);
      const confirmed = await f.app.inject({
        method: 'POST',
        url: '/v1/card-confirmations',
        headers,
        payload: { certificateSerial: 'SERIAL-LAG', verificationMethod: 'face' },
      });
      expect(confirmed.json().code).toBeUndefined();
      expect(confirmed.statusCode).toBe(200);
      expect(confirmed.json().results).toHaveLength(1);
    } finally {
      await f.app.close();
      await replica.close();
    }
  });
});
