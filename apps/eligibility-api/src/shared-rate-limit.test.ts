// Three instances share one institution's rate: together they admit exactly the rate in a second,
// and the next second starts afresh. The wall clock is injected.
import { type DatabaseHandle, openDatabase } from '@shikaku/db/database';
import { withRawTransaction } from '@shikaku/db/intermediate/raw';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { afterAll, expect, it } from 'vitest';
import { createSharedRateLimiter, RATE_WINDOW_SWEEP_SECONDS } from './shared-rate-limit.js';
import { createFixture, TEST_SECRETS } from './testing/fixture.js';

const opened: DatabaseHandle[] = [];
afterAll(async () => {
  await Promise.all(opened.map((h) => h.close()));
});

describeEachDatabase('rate limit shared by instances', ({ handle, kind }) => {
  it('admits the rate once across three instances per second', async () => {
    const handles =
      kind === 'postgres'
        ? await Promise.all([1, 2, 3].map(() => openDatabase({ url: handle().url, poolSize: 2 })))
        : [handle(), handle(), handle()];
    if (kind === 'postgres') opened.push(...handles);
    let wall = Date.UTC(2021, 6, 15, 1, 0, 0);
    const limiters = handles.map((h) => createSharedRateLimiter(h, () => wall));
    const burst = async () => {
      const answers = await Promise.all(
        limiters.flatMap((limiter) =>
          Array.from({ length: 20 }, () => limiter.take('0110113719', 25, 0)),
        ),
      );
      return answers.filter(Boolean).length;
    };
    expect(await burst()).toBe(25);
    expect(await burst()).toBe(0);
    wall += 1_000;
    expect(await burst()).toBe(25);
    // Another institution has its own rate.
    expect(await limiters[0]!.take('0110113727', 25, 0)).toBe(true);
  });

  it('reserves no more than the calls waiting, so the next instance gets the rest', async () => {
    // 20 calls at rate 25 reserve 3+3+3+3+3+3+2: a seventh whole chunk left a token unused and
    // the next instance got 4 (the three-instance burst above admitted 24 when one instance won
    // seven chunks).
    const wall = Date.UTC(2021, 6, 15, 2, 0, 0);
    const [first, second] = [handle(), handle()].map((h) => createSharedRateLimiter(h, () => wall));
    const burst = async (limiter: ReturnType<typeof createSharedRateLimiter>) =>
      (
        await Promise.all(Array.from({ length: 20 }, () => limiter.take('0110113735', 25, 0)))
      ).filter(Boolean).length;
    expect(await burst(first!)).toBe(20);
    expect(await burst(second!)).toBe(5);
  });

  it('deletes the windows over for a minute, in the table and in memory; live ones still count', async () => {
    const keys = async (prefix: string) =>
      withRawTransaction(handle(), async (db) =>
        (
          await db.query<{ institution_code: string }>(
            `select institution_code from eligibility.rate_windows
             where institution_code like $1 order by institution_code`,
            [`${prefix}%`],
          )
        ).rows.map((row) => row.institution_code),
      );
    let wall = Date.UTC(2021, 6, 15, 3, 0, 0);
    const [first, second] = [handle(), handle()].map((h) => createSharedRateLimiter(h, () => wall));
    for (let i = 0; i < 50; i++) expect(await first!.take(`sweep-old-${i}`, 2, 0)).toBe(true);
    expect(await keys('sweep-old-')).toHaveLength(50);
    expect(first!.size()).toBe(50);

    // Still within the minute: nothing is deleted.
    wall += (RATE_WINDOW_SWEEP_SECONDS - 1) * 1000;
    expect(await second!.take('sweep-live', 2, 0)).toBe(true);
    await second!.swept();
    expect(await keys('sweep-old-')).toHaveLength(50);

    // A minute on, the first instance's next call sweeps; the second spent a window just now.
    wall += 2000;
    expect(await second!.take('sweep-live', 2, 0)).toBe(true);
    expect(await second!.take('sweep-live', 2, 0)).toBe(true);
    expect(await first!.take('sweep-live', 2, 0)).toBe(false);
    await first!.swept();
    expect(await keys('sweep-old-')).toEqual([]);
    expect(await keys('sweep-live')).toEqual(['sweep-live']);
    // The live window still counts for an instance that starts now.
    const third = createSharedRateLimiter(handle(), () => wall);
    expect(await third.take('sweep-live', 2, 0)).toBe(false);
    await third.swept();
    // In memory too, the first instance holds only the window of this second.
    expect(first!.size()).toBe(1);
  });
  // The app builds the shared limiter only on a PostgreSQL pool.
  it.runIf(kind === 'postgres')(
    "in the app, counts the seconds of the injected wall clock, not the machine's",
    async () => {
      const f = await createFixture(handle(), { sharedRateLimit: true });
      try {
        const code = '2712345673';
        const key = { 'x-service-key': TEST_SECRETS.serviceKey };
        const institution = { institutionCode: code, facilityType: 'clinic', name: '医院 limit' };
        await f.app.inject({
          method: 'POST',
          url: '/v1/internal/institutions',
          headers: key,
          payload: { ...institution, rateLimitPerSecond: 2 },
        });
        const credential = (
          await f.app.inject({
            method: 'POST',
            url: `/v1/internal/institutions/${code}/credentials`,
            headers: key,
          })
        ).json();
        const { idToken } = (
          await f.app.inject({ method: 'POST', url: '/v1/auth/token', payload: credential })
        ).json() as { idToken: string };
        const list = async () =>
          (
            await f.app.inject({
              method: 'GET',
              url: '/v1/practitioners',
              headers: { authorization: `Bearer ${idToken}` },
            })
          ).statusCode;
        const window = async () =>
          withRawTransaction(handle(), async (db) =>
            Number(
              (
                await db.query<{ window_second: string }>(
                  'select window_second from eligibility.rate_windows where institution_code = $1',
                  [code],
                )
              ).rows[0]?.window_second,
            ),
          );
        expect([await list(), await list(), await list()]).toEqual([200, 200, 429]);
        expect(await window()).toBe(Math.floor(f.wall.ms / 1000));
        // The next second of the injected clock, however little real time has passed.
        f.wall.ms += 1000;
        expect(await list()).toBe(200);
        expect(await window()).toBe(Math.floor(f.wall.ms / 1000));
      } finally {
        await f.app.close();
      }
    },
  );
});
