import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { upsertInsurer } from '../intermediate/insurers.js';
import { saveRegistrations } from '../intermediate/registrations.js';
import { registrationWrite } from '../testing/registrations.js';
import { waitForLockWaits } from '../testing/lock-waits.js';
import { describeEachDatabase } from '../testing/test-database.js';
import { findQualificationsByPerson, readOutboxCursor } from './qualifications.js';
import { findInstitution } from './institutions.js';
import { loadOutboxIntoEmptyStore, upsertInstitutionsInBulk } from './seed-load.js';

const at = new Date('2021-07-15T01:00:00Z');
const later = new Date('2021-07-16T01:00:00Z');

/** Nothing was written: no qualification of the person and the cursor still at the start. */
async function expectNothingWritten(handle: Parameters<typeof readOutboxCursor>[0]) {
  expect(await findQualificationsByPerson(handle, 'P-hanako')).toEqual([]);
  expect(await readOutboxCursor(handle, 'seed-test')).toBe(0);
}

describeEachDatabase('loadOutboxIntoEmptyStore, a withheld registration', ({ handle }) => {
  it('refuses an empty outbox and one holding a withheld registration, and writes nothing', async () => {
    expect(await loadOutboxIntoEmptyStore(handle(), 'seed-test', at)).toBe(0);
    await saveRegistrations(
      handle(),
      [
        registrationWrite({ qualificationId: 'q1', cardNumber: '1' }),
        registrationWrite({ qualificationId: 'q2', cardNumber: '2' }),
      ],
      at,
    );
    // q2 withheld from viewing since its one event: the outbox reader serves that event as a
    // withhold, which only the relay applies.
    await sql`update intermediate.registrations set blocked = true
              where qualification_id = 'q2'`.execute(handle().db);
    expect(await loadOutboxIntoEmptyStore(handle(), 'seed-test', at)).toBe(0);
    await expectNothingWritten(handle());
  });
});

describeEachDatabase('loadOutboxIntoEmptyStore, a qualification changed twice', ({ handle }) => {
  it('refuses an outbox with two events of one qualification, and writes nothing', async () => {
    await saveRegistrations(handle(), [registrationWrite({ qualificationId: 'q1' })], at);
    await saveRegistrations(
      handle(),
      // The same card changed by a later file (which names the row anew; the card key finds q1).
      [registrationWrite({ qualificationId: 'q1-again', name: '資格 花江', sourceHash: 'h2' })],
      later,
    );
    expect(await loadOutboxIntoEmptyStore(handle(), 'seed-test', at)).toBe(0);
    await expectNothingWritten(handle());
  });
});

describeEachDatabase('loadOutboxIntoEmptyStore', ({ handle }) => {
  it('loads an empty store with the cursor at the last event, once', async () => {
    await upsertInsurer(
      handle(),
      { insurerNumber: '01130012', name: '保険者A', keyHash: 'k-a', webhookUrl: null },
      at,
    );
    await saveRegistrations(
      handle(),
      [
        registrationWrite({ qualificationId: 'q1', cardNumber: '1', name: '一 花子' }),
        registrationWrite({ qualificationId: 'q2', cardNumber: '2', name: '二 花子' }),
      ],
      at,
    );
    expect(await loadOutboxIntoEmptyStore(handle(), 'seed-test', at)).toBe(2);
    const stored = (await findQualificationsByPerson(handle(), 'P-hanako')).sort((a, b) =>
      a.qualificationId.localeCompare(b.qualificationId),
    );
    expect(stored.map((q) => [q.qualificationId, q.name, q.personRef])).toEqual([
      ['q1', '一 花子', 'P-hanako'],
      ['q2', '二 花子', 'P-hanako'],
    ]);
    expect(stored[0]).toMatchObject({
      insurerNumber: '01130012',
      insurerName: '保険者A',
      insuredCardSymbol: '12',
      insuredIdentificationNumber: '1',
      birthDate: '1989-09-13',
      cardIssuedOn: '2021-04-05',
    });
    expect(await readOutboxCursor(handle(), 'seed-test')).toBe(2);
    // The store is no longer empty: a second load is the relay's work.
    await saveRegistrations(
      handle(),
      [registrationWrite({ qualificationId: 'q3', cardNumber: '3', sourceHash: 'h2' })],
      later,
    );
    expect(await loadOutboxIntoEmptyStore(handle(), 'seed-test', later)).toBe(0);
    expect(await findQualificationsByPerson(handle(), 'P-hanako')).toHaveLength(2);
    expect(await readOutboxCursor(handle(), 'seed-test')).toBe(2);
  });
});

describeEachDatabase('upsertInstitutionsInBulk', ({ handle }) => {
  it('registers every institution as upsertInstitution would, and again changes nothing', async () => {
    const clinic = {
      institutionCode: '0110113719',
      facilityType: 'clinic',
      name: '一診療所',
      rateLimitPerSecond: 50,
    };
    const pharmacy = {
      institutionCode: '1349999993',
      facilityType: 'pharmacy',
      name: '二薬局',
      rateLimitPerSecond: 50,
    };
    expect(await upsertInstitutionsInBulk(handle(), [], at)).toBe(0);
    // A code given twice keeps its last entry.
    expect(
      await upsertInstitutionsInBulk(handle(), [{ ...clinic, name: '旧名' }, clinic, pharmacy], at),
    ).toBe(2);
    expect(await findInstitution(handle(), clinic.institutionCode)).toEqual(clinic);
    expect(await findInstitution(handle(), pharmacy.institutionCode)).toEqual(pharmacy);
    const renamed = { ...pharmacy, name: '二薬局 本店', rateLimitPerSecond: 20 };
    expect(await upsertInstitutionsInBulk(handle(), [clinic, renamed], later)).toBe(2);
    expect(await findInstitution(handle(), pharmacy.institutionCode)).toEqual(renamed);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from eligibility.institutions`.execute(handle().db);
    expect(rows[0]!.n).toBe(2);
  });
});

describeEachDatabase('loadOutboxIntoEmptyStore, two loads at once', ({ handle }) => {
  it('loads the store once: the second finds the first one’s rows and writes nothing', async () => {
    await saveRegistrations(
      handle(),
      [
        registrationWrite({ qualificationId: 'q1', cardNumber: '1' }),
        registrationWrite({ qualificationId: 'q2', cardNumber: '2' }),
      ],
      at,
    );
    // On PostgreSQL a third session holds a table the emptiness check reads, so that both loads
    // are inside their transactions before either checks (else the one whose pooled connection
    // was open already has dropped the indexes, which holds the other's check until it commits,
    // and the check's lock would go untested). PGlite runs one transaction at a time.
    const pool = handle().pool;
    const holder = await pool?.connect();
    try {
      await holder?.query('begin');
      await holder?.query(
        'lock table eligibility.withheld_qualifications in access exclusive mode',
      );
      const loads = Promise.all([
        loadOutboxIntoEmptyStore(handle(), 'seed-test', at),
        loadOutboxIntoEmptyStore(handle(), 'seed-test', at),
      ]);
      if (holder) await waitForLockWaits(handle(), 2);
      await holder?.query('rollback');
      const loaded = await loads;
      expect(loaded.sort()).toEqual([0, 2]);
    } finally {
      // Also when a check above failed before the gate opened (a second rollback only warns).
      await holder?.query('rollback');
      holder?.release();
    }
    expect(await findQualificationsByPerson(handle(), 'P-hanako')).toHaveLength(2);
  });
});
