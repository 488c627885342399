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
      [
        {
          sequence: 1,
          eventId: 'e1',
          type: 'qualification.upserted',
          occurredAt: at.toISOString(),
          personRef: 'p-replica',
          qualification: {
            qualificationId: 'q-replica',
            insurerNumber: '01130012',
            insurerName: '全国健康保険協会',
            insuredCardClassification: '1',
            insuredCardSymbol: '1234',
            insuredIdentificationNumber: '5678',
            insuredBranchNumber: '00',
            personalFamilyClassification: '1',
            name: '資格 花子',
            nameKana: 'シカク ハナコ',
            sex: '2',
            birthDate: '1989-09-13',
            address: '東京都',
            postNumber: '1000001',
            qualificationDate: '2020-04-01',
            disqualificationDate: null,
            reasonOfLoss: null,
            incomeClass: 'general',
            cardIssuedOn: null,
            cardValidFrom: null,
            cardValidTo: null,
          },
        },
      ],
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
