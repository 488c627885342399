// Lookups read where `reads()` points (a fresh replica); writes and other reads stay on the handle.
// The replica itself (a streaming standby, its lag measured) is exercised by the loopback topology
// test in deploy/local.
import { expect, it } from 'vitest';
import { openDatabase } from './database.js';
import {
  applyOutboxPage,
  findQualificationsByCard,
  findQualificationsByPerson,
  readOutboxCursor,
} from './eligibility/qualifications.js';
import { migrateToLatest } from './migrate.js';
import { readsOf, replicaLagMs } from './read-replica.js';
import { qualificationUpserted } from './testing/qualification-events.js';
import { describeEachDatabase } from './testing/test-database.js';

const at = new Date('2021-07-15T01:00:00Z');

describeEachDatabase('read replica routing', ({ handle }) => {
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

  it('measures no lag on a server that is not a streaming replica (reads stay on the primary)', async () => {
    expect(await replicaLagMs(handle())).toBeNull();
  });
});
