import { expect, it } from 'vitest';
import { createBatcher, ItemFailure, retryingAloneOnFailure } from './batching.js';

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

it('sends the first item at once and coalesces what arrives while it is in flight', async () => {
  const gate = deferred();
  const batches: number[][] = [];
  const batcher = createBatcher<number, number>(
    async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate.promise;
      return items.map((x) => x * 10);
    },
    { maxBatch: 3, concurrency: 1 },
  );
  const first = batcher.run(1);
  const rest = [2, 3, 4, 5].map((x) => batcher.run(x));
  expect(batches).toEqual([[1]]);
  gate.release();
  expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50]);
  expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  await batcher.idle();
});

it('rejects only the item of an ItemFailure, and every item of a batch that throws', async () => {
  const batcher = createBatcher<number, number>(
    async (items) => {
      if (items.includes(99)) throw new Error('whole batch');
      return items.map((x) => (x < 0 ? new ItemFailure(new Error(`bad ${x}`)) : x));
    },
    { maxBatch: 10, concurrency: 1 },
  );
  const results = await Promise.allSettled([batcher.run(1), batcher.run(-2), batcher.run(3)]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('bad -2'));
  await expect(batcher.run(99)).rejects.toThrow('whole batch');
});

it('idle waits for what is queued and in flight, for every caller', async () => {
  const gate = deferred();
  let done = 0;
  const batcher = createBatcher<number, void>(
    async (items) => {
      await gate.promise;
      done += items.length;
      return items.map(() => undefined);
    },
    { maxBatch: 2, concurrency: 2 },
  );
  for (let i = 0; i < 5; i++) void batcher.run(i);
  const idle = Promise.all([batcher.idle(), batcher.idle()]);
  gate.release();
  await idle;
  expect(done).toBe(5);
  await batcher.idle();
});

it('retries a failed batch item by item, one after another in arrival order, failing only the bad ones', async () => {
  // Each retry holds the next back until it has finished: of two writes that conflict, the one
  // sent first then wins (run at once, the pool's connections would decide).
  const events: string[] = [];
  const execute = retryingAloneOnFailure<number, number>(async (items) => {
    if (items.length > 1) throw new Error('batch refused');
    const [x] = items as [number];
    events.push(`start ${x}`);
    await new Promise((resolve) => setTimeout(resolve, 5 - x));
    events.push(`end ${x}`);
    if (x < 0) throw new Error(`bad ${x}`);
    return [x * 10];
  });
  const answers = await execute([1, -1, 2]);
  expect(answers.map((a) => (a instanceof ItemFailure ? String(a.error) : a))).toEqual([
    10,
    'Error: bad -1',
    20,
  ]);
  expect(events).toEqual(['start 1', 'end 1', 'start -1', 'end -1', 'start 2', 'end 2']);
});
