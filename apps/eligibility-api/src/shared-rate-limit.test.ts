// Three instances share one institution's rate: together they admit exactly the rate in a second,
// and the next second starts afresh. The wall clock is injected.
import { type DatabaseHandle, openDatabase } from '@shikaku/db/database';
import { describeEachDatabase } from '@shikaku/db/testing/test-database';
import { afterAll, expect, it } from 'vitest';
import { createSharedRateLimiter } from './shared-rate-limit.js';

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
});
