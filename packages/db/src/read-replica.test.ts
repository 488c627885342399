// Lookups read where `reads()` points (a fresh replica); writes and other reads stay on the handle.
// The replica itself (a streaming standby, its lag measured) is exercised by the loopback topology
// test in deploy/local.
import { expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { upsertCardLink } from './eligibility/card-links.js';
import {
  applyOutboxPage,
  applyQualificationEvents,
  findCardHolder,
  findQualificationsByCard,
  findQualificationsByPerson,
  readOutboxCursor,
} from './eligibility/qualifications.js';
import { migrateToLatest } from './migrate.js';
import { readsOf, replicaLagMs, withReadReplica } from './read-replica.js';
import { qualificationUpserted } from './testing/qualification-events.js';
import { describeEachDatabase } from './testing/test-database.js';

const at = new Date('2021-07-15T01:00:00Z');

describeEachDatabase('read replica routing', ({ handle, kind }) => {
  it('reads qualifications where reads() points, and the cursor from the primary', async () => {
    // A stand-in replica that holds the qualification the primary does not (yet).
    const replica = await openDatabase();
    await migrateToLatest(replica, ['eligibility']);
    await applyOutboxPage(
      replica,
      'relay',
      [qualificationUpserted(1, { qualificationId: 'q-replica', personRef: 'p-replica' })],
      1,
      at,
    );
    const routed = { ...handle(), reads: () => replica };
    const search = {
      insurerNumber: '01130012',
      insuredIdentificationNumber: '5678',
      birthDate: '1989-09-13',
    };
    expect(await findQualificationsByCard(routed, search)).toHaveLength(1);
    expect(await findQualificationsByPerson(routed, 'p-replica')).toHaveLength(1);
    expect(await findQualificationsByCard(handle(), search)).toHaveLength(0);
    expect(await readOutboxCursor(routed, 'relay')).toBe(0);
    expect(readsOf(handle())).toBe(handle());
    await replica.close();
  });

  it('reads a card link on the replica, and one the replica does not have yet on the primary', async () => {
    // The replica knows an older registration; the one made a moment ago is on the primary only.
    const replica = await openDatabase();
    await migrateToLatest(replica, ['eligibility']);
    const link = (certificateSerial: string, personRef: string) => ({
      certificateSerial,
      personRef,
      institutionCode: '0110113719',
    });
    const person = (sequence: number, personRef: string) =>
      qualificationUpserted(sequence, { qualificationId: `q-${personRef}`, personRef });
    await applyQualificationEvents(replica, [person(1, 'p-earlier')], at);
    await upsertCardLink(replica, link('CARD-EARLIER', 'p-earlier'), at);
    await applyQualificationEvents(handle(), [person(2, 'p-just-now')], at);
    await upsertCardLink(handle(), link('CARD-JUST-NOW', 'p-just-now'), at);
    const routed = { ...handle(), reads: () => replica };

    // Not "not registered": the replica's miss is asked again of the primary.
    const justNow = await findCardHolder(routed, 'CARD-JUST-NOW');
    expect(justNow?.personRef).toBe('p-just-now');
    expect(justNow?.qualifications.map((q) => q.qualificationId)).toEqual(['q-p-just-now']);
    // A link the replica has is answered there (the primary has no such link).
    expect((await findCardHolder(routed, 'CARD-EARLIER'))?.personRef).toBe('p-earlier');
    expect(await findCardHolder(handle(), 'CARD-EARLIER')).toBeUndefined();
    // A card neither knows is not registered.
    expect(await findCardHolder(routed, 'CARD-NEVER')).toBeUndefined();
    await replica.close();
  });

  // withReadReplica needs a URL; a server that is not a standby is never fresh, so reads() is the
  // primary. PGlite has no URL: PostgreSQL only.
  it.skipIf(kind === 'pglite')(
    'points reads() at the handle itself while the replica is not fresh',
    async () => {
      const url = handle().url!;
      const routed = await withReadReplica(await openDatabase({ url, poolSize: 1 }), {
        url,
        poolSize: 1,
      });
      try {
        // findCardHolder tells a replica's miss from the primary's by this identity.
        expect(readsOf(routed)).toBe(routed);
      } finally {
        await routed.close();
      }
    },
  );

  it('measures no lag on a server that is not a streaming replica (reads stay on the primary)', async () => {
    expect(await replicaLagMs(handle())).toBeNull();
  });
});
