import { expect, it } from 'vitest';
import { qualificationUpserted } from '../testing/qualification-events.js';
import { describeEachDatabase } from '../testing/test-database.js';
import { findQualificationsByPerson, readOutboxCursor } from './qualifications.js';
import { loadIntoEmptyStore } from './seed-load.js';

const at = new Date('2021-07-15T01:00:00Z');

describeEachDatabase('loadIntoEmptyStore', ({ handle }) => {
  it('refuses events it could not load as the relay would apply them, and writes nothing', async () => {
    const twice = [
      qualificationUpserted(1, { qualificationId: 'q1' }),
      qualificationUpserted(2, { qualificationId: 'q1' }),
    ];
    expect(await loadIntoEmptyStore(handle(), 'seed-test', twice, at)).toBe(false);
    const unordered = [
      qualificationUpserted(2, { qualificationId: 'q1' }),
      qualificationUpserted(1, { qualificationId: 'q2' }),
    ];
    expect(await loadIntoEmptyStore(handle(), 'seed-test', unordered, at)).toBe(false);
    const withheld = [
      {
        ...qualificationUpserted(1),
        type: 'qualification.withheld' as const,
        qualificationId: 'q1',
      },
    ];
    expect(await loadIntoEmptyStore(handle(), 'seed-test', withheld, at)).toBe(false);
    expect(await loadIntoEmptyStore(handle(), 'seed-test', [], at)).toBe(false);
    expect(await findQualificationsByPerson(handle(), 'p1')).toEqual([]);
    expect(await readOutboxCursor(handle(), 'seed-test')).toBe(0);
  });

  it('loads an empty store with the cursor at the last event, once', async () => {
    const events = [
      qualificationUpserted(1, { qualificationId: 'q1', name: '一 花子' }),
      qualificationUpserted(2, { qualificationId: 'q2', name: '二 花子' }),
    ];
    expect(await loadIntoEmptyStore(handle(), 'seed-test', events, at)).toBe(true);
    const stored = (await findQualificationsByPerson(handle(), 'p1')).sort((a, b) =>
      a.qualificationId.localeCompare(b.qualificationId),
    );
    expect(stored.map((q) => [q.qualificationId, q.name, q.personRef])).toEqual([
      ['q1', '一 花子', 'p1'],
      ['q2', '二 花子', 'p1'],
    ]);
    expect(stored[0]).toMatchObject({ ...events[0]!.qualification, personRef: 'p1' });
    expect(await readOutboxCursor(handle(), 'seed-test')).toBe(2);
    // The store is no longer empty: a second load is the relay's work.
    const later = [qualificationUpserted(3, { qualificationId: 'q3' })];
    expect(await loadIntoEmptyStore(handle(), 'seed-test', later, at)).toBe(false);
    expect(await findQualificationsByPerson(handle(), 'p1')).toHaveLength(2);
    expect(await readOutboxCursor(handle(), 'seed-test')).toBe(2);
  });
});
