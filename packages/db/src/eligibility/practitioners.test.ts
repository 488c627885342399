import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../database.js';
import { waitForLockWaits } from '../testing/lock-waits.js';
import { describeEachDatabase } from '../testing/test-database.js';
import {
  NONCE_SWEEP,
  NONCE_SWEEP_CLOCK_MARGIN_MS,
  usePractitionerNonce,
  usePractitionerNonces,
} from './practitioners.js';

const now = new Date('2026-12-03T08:00:00Z');
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);

/** How many nonces of this certificate the table holds. */
async function countNonces(handle: DatabaseHandle, serial: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n
    from eligibility.practitioner_nonces where certificate_serial = ${serial}`.execute(handle.db);
  return Number(rows[0]?.n);
}

describeEachDatabase('practitioner nonces', ({ handle }) => {
  const count = (serial: string) => countNonces(handle(), serial);

  it('accepts a nonce once per certificate', async () => {
    const use = (certificateSerial: string) =>
      usePractitionerNonce(
        handle(),
        { certificateSerial, nonce: 'nonce-once-0000001', expiresAt: minutes(5) },
        now,
      );
    expect(await use('HPKI-ONCE-A')).toBe(true);
    expect(await use('HPKI-ONCE-A')).toBe(false);
    expect(await use('HPKI-ONCE-B')).toBe(true);
  });

  it('drops expired nonces of certificates never used again, NONCE_SWEEP a proof, and keeps live ones', async () => {
    // A certificate used 30 times and then never again (revoked, or its holder left).
    for (let i = 0; i < 30; i++)
      await usePractitionerNonce(
        handle(),
        {
          certificateSerial: 'HPKI-GONE',
          nonce: `gone-${String(i).padStart(12, '0')}`,
          expiresAt: minutes(-20 + i / 100),
        },
        minutes(-25),
      );
    await usePractitionerNonce(
      handle(),
      { certificateSerial: 'HPKI-LIVE', nonce: 'live-000000000001', expiresAt: minutes(5) },
      now,
    );
    expect(await count('HPKI-GONE')).toBe(30 - NONCE_SWEEP);
    await usePractitionerNonce(
      handle(),
      { certificateSerial: 'HPKI-LIVE', nonce: 'live-000000000002', expiresAt: minutes(5) },
      now,
    );
    expect(await count('HPKI-GONE')).toBe(0);
    expect(await count('HPKI-LIVE')).toBe(2);
  });

  it('accepts each nonce once inside one batch and across batches, and answers in order', async () => {
    const use = (certificateSerial: string, nonce: string) => ({
      certificateSerial,
      nonce,
      expiresAt: minutes(5),
      now,
    });
    expect(
      await usePractitionerNonces(handle(), [
        use('HPKI-BATCH-A', 'batch-nonce-000001'),
        use('HPKI-BATCH-A', 'batch-nonce-000001'),
        use('HPKI-BATCH-B', 'batch-nonce-000001'),
        use('HPKI-BATCH-A', 'batch-nonce-000002'),
      ]),
    ).toEqual([true, false, true, true]);
    expect(
      await usePractitionerNonces(handle(), [
        use('HPKI-BATCH-B', 'batch-nonce-000002'),
        use('HPKI-BATCH-A', 'batch-nonce-000002'),
      ]),
    ).toEqual([true, false]);
    // Concurrent single uses share the batcher; still one acceptance per nonce.
    const racing = await Promise.all(
      Array.from({ length: 6 }, () =>
        usePractitionerNonce(
          handle(),
          { certificateSerial: 'HPKI-RACE', nonce: 'race-nonce-000001', expiresAt: minutes(5) },
          now,
        ),
      ),
    );
    expect(racing.filter(Boolean)).toHaveLength(1);
    expect(await count('HPKI-BATCH-A')).toBe(2);
  });

  // Last in this block: its final sweep runs on a later clock.
  it('keeps a nonce that an instance with its clock behind still accepts, and refuses its replay there', async () => {
    // Instance B's clock is a minute less than the margin behind A's (`now`). B accepted a proof
    // whose nonce expires 10 s after B's clock: on A's clock it expired 8 min 50 s ago.
    const onB = new Date(now.getTime() - NONCE_SWEEP_CLOCK_MARGIN_MS + 60_000);
    const seenByB = {
      certificateSerial: 'HPKI-SKEW-B',
      nonce: 'skew-nonce-0000001',
      expiresAt: new Date(onB.getTime() + 10_000),
    };
    expect(await usePractitionerNonce(handle(), seenByB, onB)).toBe(true);
    // A proof on A sweeps with A's clock.
    const onA = (nonce: string, at: Date) =>
      usePractitionerNonce(
        handle(),
        { certificateSerial: 'HPKI-SKEW-A', nonce, expiresAt: new Date(at.getTime() + 300_000) },
        at,
      );
    expect(await onA('skew-nonce-0000002', now)).toBe(true);
    expect(await count('HPKI-SKEW-B')).toBe(1);
    // Replayed to B while its timestamp is still inside B's window: refused.
    expect(await usePractitionerNonce(handle(), seenByB, onB)).toBe(false);
    // Once it expired more than the margin ago on the sweeper's clock, it goes.
    expect(
      await onA(
        'skew-nonce-0000003',
        new Date(seenByB.expiresAt.getTime() + NONCE_SWEEP_CLOCK_MARGIN_MS + 1),
      ),
    ).toBe(true);
    expect(await count('HPKI-SKEW-B')).toBe(0);
  });
});

// Two app instances are two pools on one PostgreSQL database: the in-batch check above never sees
// the other's uses, only the primary key does. PGlite is one handle in one process, so this runs
// on PostgreSQL only (skipped on PGlite, saying why).
describeEachDatabase('practitioner nonces on two instances', ({ handle, kind }) => {
  if (kind === 'pglite') {
    it.skip('needs PostgreSQL: on PGlite one handle is all there is (the batch check above covers it)', () => {});
    return;
  }
  let other: DatabaseHandle | undefined;
  const count = (serial: string) => countNonces(handle(), serial);
  const instances = () => {
    if (!other) throw new Error('second instance not open');
    return [handle(), other] as const;
  };
  beforeAll(async () => {
    other = await openDatabase({ url: handle().url!, poolSize: 4 });
  });
  afterAll(async () => {
    await other?.close();
  });

  it('accepts a nonce sent to both at once exactly once; the other instance sees a replay', async () => {
    const [a, b] = instances();
    const use = (on: DatabaseHandle, nonce: string) =>
      usePractitionerNonce(
        on,
        { certificateSerial: 'HPKI-TWO', nonce, expiresAt: minutes(5) },
        now,
      );
    // Many rounds, each a new nonce sent to both instances in the same tick.
    const rounds = 50;
    for (let i = 0; i < rounds; i++) {
      const nonce = `two-${String(i).padStart(14, '0')}`;
      const answers = await Promise.all([use(a, nonce), use(b, nonce)]);
      expect(answers.filter(Boolean), nonce).toHaveLength(1);
    }
    expect(await count('HPKI-TWO')).toBe(rounds);
  });

  it('records two batches that share nonces in opposite orders without a deadlock, each nonce once', async () => {
    const [a, b] = instances();
    const use = (nonce: string) => ({
      certificateSerial: 'HPKI-ORDER',
      nonce,
      expiresAt: minutes(5),
      now,
    });
    const [x, gate, y] = ['order-x-0000000001', 'order-gate-00000001', 'order-y-0000000001'];
    // A third session holds the gate nonce, so each batch stops there having written what came
    // before it: a holds x, b holds y. Once the gate opens, each goes on to the other's key.
    const holder = await a.pool!.connect();
    try {
      await holder.query('begin');
      await holder.query(
        `insert into eligibility.practitioner_nonces (certificate_serial, nonce, expires_at)
          values ($1, $2, $3)`,
        ['HPKI-ORDER', gate, minutes(5)],
      );
      const batches = Promise.allSettled([
        usePractitionerNonces(a, [use(x), use(gate), use(y)]),
        usePractitionerNonces(b, [use(y), use(gate), use(x)]),
      ]);
      await waitForLockWaits(handle(), 2);
      await holder.query('rollback');
      const [onA, onB] = await batches;
      // In arrival order, the two would wait on each other: PostgreSQL cancels one with
      // "deadlock detected" after deadlock_timeout.
      expect(onA.status === 'fulfilled' ? 'ok' : String(onA.reason)).toBe('ok');
      expect(onB.status === 'fulfilled' ? 'ok' : String(onB.reason)).toBe('ok');
      const answers = [onA, onB].map((r) => (r as PromiseFulfilledResult<boolean[]>).value);
      // Per nonce (x, gate, y): accepted by exactly one of the two.
      expect([0, 1, 2].map((i) => Number(answers[0]![i]) + Number(answers[1]![2 - i]))).toEqual([
        1, 1, 1,
      ]);
      expect(await count('HPKI-ORDER')).toBe(3);
    } finally {
      // Also when a check above failed before the gate opened (a second rollback only warns).
      await holder.query('rollback');
      holder.release();
    }
  });
});
