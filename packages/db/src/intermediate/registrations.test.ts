import { expect, it } from 'vitest';
import { registrationWrite } from '../testing/registrations.js';
import { describeEachDatabase } from '../testing/test-database.js';
import { claimDueChecks, completeCheck, deferCheck, findCheck } from './checks.js';
import { upsertInsurer } from './insurers.js';
import { listNotifications, markNotification } from './notifications.js';
import { listOutboxEvents } from './outbox.js';
import { applyRematch, findRematchCandidates } from './rematch.js';
import {
  confirmRegistration,
  findHistory,
  findPersonRef,
  findRegistration,
  saveRegistrations,
  seedRegistrations,
} from './registrations.js';

const at = new Date('2021-07-15T01:00:00Z');
const MY_NUMBER = '123456789018';

const write = registrationWrite;

describeEachDatabase('intermediate registrations', ({ handle }) => {
  it('writes a registration with its outbox event and J-LIS check; the same again changes nothing', async () => {
    await upsertInsurer(
      handle(),
      { insurerNumber: '01130012', name: '保険者A', keyHash: 'k-a', webhookUrl: null },
      at,
    );
    const first = await saveRegistrations(handle(), [write()], at);
    expect(first).toEqual({ changed: 1, events: 1, notifications: 0, checks: 1 });
    const again = await saveRegistrations(handle(), [write({ qualificationId: 'q-other' })], at);
    expect(again).toEqual({ changed: 0, events: 0, notifications: 0, checks: 0 });
    const stored = await findRegistration(handle(), 'q-1');
    expect(stored).toMatchObject({
      myNumber: MY_NUMBER,
      cardSymbol: '12',
      birthDate: '1989-09-13',
    });
    expect(await findPersonRef(handle(), MY_NUMBER)).toBe('P-hanako');
  });

  it('publishes events without the My Number', async () => {
    const events = await listOutboxEvents(handle(), { after: 0, limit: 10 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      personRef: 'P-hanako',
      qualification: {
        qualificationId: 'q-1',
        insurerName: '保険者A',
        insuredCardSymbol: '12',
        birthDate: '1989-09-13',
        disqualificationDate: null,
      },
    });
    expect(JSON.stringify(events)).not.toContain(MY_NUMBER);
  });

  it('keeps the last line of a card key within one batch, and a changed fact updates', async () => {
    const result = await saveRegistrations(
      handle(),
      [
        write({ qualificationId: 'q-x', sourceLine: 3, address: '一' }),
        write({ qualificationId: 'q-y', sourceLine: 4, address: '二' }),
      ],
      at,
    );
    expect(result.changed).toBe(1);
    expect((await findRegistration(handle(), 'q-1'))?.address).toBe('二');
    // The line number decides, not the order the rows come in.
    await saveRegistrations(
      handle(),
      [
        write({ qualificationId: 'q-z', sourceLine: 9, address: '四' }),
        write({ qualificationId: 'q-w', sourceLine: 8, address: '三' }),
      ],
      at,
    );
    expect((await findRegistration(handle(), 'q-1'))?.address).toBe('四');
  });

  it('holds a blocked registration back from the outbox and notifies once per dedupe key', async () => {
    const suspect = write({
      qualificationId: 'q-2',
      insurerNumber: '06270014',
      cardNumber: '999',
      birthDate: '1991-07-04',
      checkStatus: 'birth-date-mismatch',
      noHistory: false,
      blocked: true,
      jlisCheck: null,
      notification: { kind: 'birth-date-mismatch', message: 'm', dedupeKey: 'h1:2:bd' },
    });
    const before = (await listOutboxEvents(handle(), { after: 0, limit: 100 })).length;
    expect(await saveRegistrations(handle(), [suspect], at)).toMatchObject({
      changed: 1,
      events: 0,
      notifications: 1,
    });
    expect((await listOutboxEvents(handle(), { after: 0, limit: 100 })).length).toBe(before);
    const history = await findHistory(handle(), [MY_NUMBER]);
    expect(
      history
        .get(MY_NUMBER)
        ?.map((h) => h.qualificationId)
        .sort(),
    ).toEqual(['q-1', 'q-2']);

    const notes = await listNotifications(handle(), '06270014', { limit: 10 });
    expect(notes).toHaveLength(1);
    expect(await listNotifications(handle(), '01130012', { limit: 10 })).toHaveLength(0);
    expect(await markNotification(handle(), '01130012', notes[0]!.id, 'acknowledged', at)).toBe(
      false,
    );
    expect(await markNotification(handle(), '06270014', notes[0]!.id, 'acknowledged', at)).toBe(
      true,
    );

    expect(
      await confirmRegistration(
        handle(),
        { insurerNumber: '06270014', qualificationId: 'q-2', reason: '本人確認済み' },
        at,
      ),
    ).toBe(true);
    const after = await listOutboxEvents(handle(), { after: 0, limit: 100 });
    expect(after.length).toBe(before + 1);
    expect(after.map((e) => e.sequence)).toEqual(
      [...after.map((e) => e.sequence)].sort((a, b) => a - b),
    );
  });

  it('claims due checks with a lease, defers failures and completes once', async () => {
    const claimed = await claimDueChecks(handle(), { now: at, limit: 10, leaseMs: 60_000 });
    expect(claimed.map((c) => c.qualificationId)).toEqual(['q-1']);
    expect(claimed[0]).toMatchObject({ attempts: 1, birthDate: '1989-09-13', myNumber: MY_NUMBER });
    // Leased: not claimed again until the lease runs out.
    expect(await claimDueChecks(handle(), { now: at, limit: 10, leaseMs: 60_000 })).toEqual([]);
    await deferCheck(handle(), 'q-1', 'jlis down', new Date(at.getTime() + 1_000));
    const retried = await claimDueChecks(handle(), {
      now: new Date(at.getTime() + 2_000),
      limit: 10,
      leaseMs: 60_000,
    });
    expect(retried[0]?.attempts).toBe(2);
    const completion = {
      qualificationId: 'q-1',
      result: 'verified' as const,
      checkStatus: 'jlis-verified' as const,
      blocked: false,
      notification: { kind: 'jlis-verified', message: 'ok', dedupeKey: 'q-1:jlis:1' },
    };
    expect(await completeCheck(handle(), completion, at)).toBe(true);
    expect(await completeCheck(handle(), completion, at)).toBe(false);
    expect(await findCheck(handle(), 'q-1')).toMatchObject({ status: 'done', result: 'verified' });
    expect((await findRegistration(handle(), 'q-1'))?.checkStatus).toBe('jlis-verified');
  });

  it('finds no-history registrations whose number gained history, and clears them once matched', async () => {
    const candidates = await findRematchCandidates(handle(), 10);
    expect(candidates.map((c) => c.qualificationId)).toEqual(['q-1']);
    expect(candidates[0]?.history.map((h) => h.qualificationId)).toEqual(['q-2']);
    const result = await applyRematch(
      handle(),
      [
        {
          qualificationId: 'q-1',
          checkStatus: 'birth-date-mismatch',
          notification: { kind: 'birth-date-mismatch', message: 'm', dedupeKey: 'rematch:q-1:q-2' },
        },
      ],
      at,
    );
    expect(result.notified).toBe(1);
    expect(await findRematchCandidates(handle(), 10)).toEqual([]);
  });
  it('writes a batch of new and stored cards alike: new ones inserted, stored ones updated', async () => {
    const insurer = '01130099';
    const card = (cardNumber: string, overrides: Partial<ReturnType<typeof write>> = {}) =>
      write({
        insurerNumber: insurer,
        cardNumber,
        qualificationId: `q-mix-${cardNumber}`,
        ...overrides,
      });
    const later = new Date(at.getTime() + 60_000);
    expect(await saveRegistrations(handle(), [card('m1')], at)).toEqual({
      changed: 1,
      events: 1,
      notifications: 0,
      checks: 1,
    });
    const before = await listOutboxEvents(handle(), { after: 0, limit: 1_000 });
    const result = await saveRegistrations(
      handle(),
      [
        // New cards first: the batch is tried as all new, and the stored one sends it to the lookup.
        card('m2', {
          notification: { kind: 'birth-date-mismatch', message: 'm', dedupeKey: 'mix:m2' },
        }),
        card('m3', { blocked: true }),
        card('m1', { qualificationId: 'q-mix-m1-again', address: '大阪府大阪市' }),
      ],
      later,
    );
    expect(result).toEqual({ changed: 3, events: 2, notifications: 1, checks: 3 });
    // The stored card keeps its qualification id and takes the new facts.
    expect((await findRegistration(handle(), 'q-mix-m1'))?.address).toBe('大阪府大阪市');
    expect(await findRegistration(handle(), 'q-mix-m1-again')).toBeUndefined();
    expect((await findRegistration(handle(), 'q-mix-m3'))?.blocked).toBe(true);
    // One event per published change, numbered on from the events before.
    const events = (await listOutboxEvents(handle(), { after: 0, limit: 1_000 })).slice(
      before.length,
    );
    expect(events.map((e) => e.qualification.qualificationId).sort()).toEqual([
      'q-mix-m1',
      'q-mix-m2',
    ]);
    const last = before.at(-1)!.sequence;
    expect(events.map((e) => e.sequence)).toEqual([last + 1, last + 2]);
    // Inserted and updated rows hold their J-LIS checks the same way.
    const rows = await handle()
      .db.selectFrom('intermediate.registrations')
      .select([
        'card_number',
        'jlis_status',
        'jlis_reason',
        'jlis_attempts',
        'jlis_next_attempt_at',
        'jlis_created_at',
        'updated_at',
        'resolution_reason',
      ])
      .where('insurer_number', '=', insurer)
      .orderBy('card_number')
      .execute();
    const queued = { jlis_status: 'pending', jlis_reason: 'no-history', jlis_attempts: 0 };
    expect(rows).toEqual([
      // The check of m1 was queued at the first save and queued again now.
      {
        card_number: 'm1',
        ...queued,
        jlis_next_attempt_at: later,
        jlis_created_at: at,
        updated_at: later,
        resolution_reason: null,
      },
      {
        card_number: 'm2',
        ...queued,
        jlis_next_attempt_at: later,
        jlis_created_at: later,
        updated_at: later,
        resolution_reason: null,
      },
      {
        card_number: 'm3',
        ...queued,
        jlis_next_attempt_at: later,
        jlis_created_at: later,
        updated_at: later,
        resolution_reason: null,
      },
    ]);
    const notes = await listNotifications(handle(), insurer, { limit: 10 });
    expect(notes.map((n) => n.qualificationId)).toEqual(['q-mix-m2']);
  });

  it('gives every event of a batch its own UUID', async () => {
    const rows = Array.from({ length: 50 }, (_, i) =>
      write({
        qualificationId: `q-batch-${String(i).padStart(2, '0')}`,
        cardNumber: `batch-${i}`,
        myNumber: '000000000019',
        noHistory: false,
        jlisCheck: null,
      }),
    );
    expect(await saveRegistrations(handle(), rows, at)).toMatchObject({ changed: 50, events: 50 });
    const events = (await listOutboxEvents(handle(), { after: 0, limit: 1_000 })).filter((e) =>
      String(e.qualification.qualificationId).startsWith('q-batch-'),
    );
    expect(events).toHaveLength(50);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(50);
    for (const { eventId } of events) {
      expect(eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });
});

describeEachDatabase('seedRegistrations, two seeders at once', ({ handle }) => {
  it('saves the rows once: the second finds the first one’s rows and writes nothing', async () => {
    const rows = [
      write({ qualificationId: 'q1', cardNumber: '1' }),
      write({ qualificationId: 'q2', cardNumber: '2' }),
    ];
    const results = await Promise.all([
      seedRegistrations(handle(), rows, at),
      seedRegistrations(handle(), rows, at),
    ]);
    expect(results.filter((r) => r === undefined)).toHaveLength(1);
    expect(await listOutboxEvents(handle(), { after: 0, limit: 10 })).toHaveLength(2);
  });
});
