import { expect, it } from 'vitest';
import { registrationWrite } from '../testing/registrations.js';
import { describeEachDatabase } from '../testing/test-database.js';
import { upsertInsurer } from './insurers.js';
import { listOutboxEvents, newOutboxBatch, sealOutboxBatch } from './outbox.js';
import { withRawTransaction } from './raw.js';
import {
  publishInTransaction,
  type RegistrationWrite,
  saveRegistrations,
} from './registrations.js';

const at = new Date('2021-07-15T01:00:00Z');
const INSURER = '01130012';

/** Registration `n` of a batch: its own card and qualification id, nothing to check. */
function write(n: number): RegistrationWrite {
  return registrationWrite({
    qualificationId: `q-${String(n).padStart(4, '0')}`,
    cardNumber: `C${n}`,
    personRef: `P-${n}`,
    checkStatus: 'consistent',
    noHistory: false,
    sourceHash: null,
    sourceLine: null,
    jlisCheck: null,
  });
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describeEachDatabase('qualification outbox', ({ handle, kind }) => {
  it('numbers events 1, 2, 3… across batches and pages from any sequence, mid-batch too', async () => {
    await upsertInsurer(
      handle(),
      { insurerNumber: INSURER, name: '保険者A', keyHash: 'k', webhookUrl: null },
      at,
    );
    await saveRegistrations(handle(), range(0, 5).map(write), at);
    await saveRegistrations(handle(), range(5, 8).map(write), at);
    await withRawTransaction(handle(), (executor) => publishInTransaction(executor, 'q-0002', at));

    const all = await listOutboxEvents(handle(), { after: 0, limit: 100 });
    expect(all.map((e) => e.sequence)).toEqual(range(1, 10));
    // Within a batch, events are in qualification-id order.
    expect(all.map((e) => e.qualification.qualificationId)).toEqual([
      ...range(0, 8).map((n) => `q-${String(n).padStart(4, '0')}`),
      'q-0002',
    ]);
    expect(new Set(all.map((e) => e.eventId)).size).toBe(9);

    // Paging from the middle of the first batch, three at a time, gives the same events.
    const paged = [];
    let after = 3;
    for (;;) {
      const page = await listOutboxEvents(handle(), { after, limit: 3 });
      if (page.length === 0) break;
      paged.push(...page);
      after = page.at(-1)!.sequence;
    }
    expect(paged).toEqual(all.slice(3));
  });

  it.runIf(kind === 'postgres')(
    'never lets a reader skip the events of a writer that commits after a later one',
    async () => {
      await saveRegistrations(handle(), [write(30)], at);
      const before = (await listOutboxEvents(handle(), { after: 0, limit: 1000 })).length;
      // Writer A writes its event first but holds its transaction open…
      let releaseA!: () => void;
      const aMayCommit = new Promise<void>((resolve) => (releaseA = resolve));
      let aWritten!: () => void;
      const aHasWritten = new Promise<void>((resolve) => (aWritten = resolve));
      const writerA = withRawTransaction(handle(), async (executor) => {
        const batchId = await newOutboxBatch(executor);
        await executor.query(
          `insert into intermediate.outbox (batch_id, position, event_id, occurred_at, qualification_id)
           values ($1, 0, 'event-a', $2, 'q-0030')`,
          [batchId, at.toISOString()],
        );
        aWritten();
        await aMayCommit;
        await sealOutboxBatch(executor, batchId, 1);
      });
      await aHasWritten;
      // …while writer B writes, seals and commits.
      await saveRegistrations(handle(), range(20, 22).map(write), at);
      const seen = await listOutboxEvents(handle(), { after: before, limit: 1000 });
      expect(seen.map((e) => e.personRef)).toEqual(['P-20', 'P-21']);
      releaseA();
      await writerA;
      // A reader that already read past B's events still gets A's: A's sequence comes after them.
      const next = await listOutboxEvents(handle(), { after: seen.at(-1)!.sequence, limit: 1000 });
      expect(next.map((e) => [e.eventId, e.personRef, e.sequence])).toEqual([
        ['event-a', 'P-30', before + 3],
      ]);
    },
  );
});
