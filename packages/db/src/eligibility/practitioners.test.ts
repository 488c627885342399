import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/test-database.js';
import { NONCE_SWEEP, usePractitionerNonce, usePractitionerNonces } from './practitioners.js';

const now = new Date('2026-12-03T08:00:00Z');
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);

describeEachDatabase('practitioner nonces', ({ handle }) => {
  const count = async (serial: string) =>
    Number(
      (
        await sql<{ n: string }>`select count(*) as n from eligibility.practitioner_nonces
          where certificate_serial = ${serial}`.execute(handle().db)
      ).rows[0]?.n,
    );

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
});
