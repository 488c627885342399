import { expect, it } from 'vitest';
import {
  batchedPerHandle,
  createBatcher,
  ItemFailure,
  reportBatchFailures,
  reportBatchFailuresAs,
  retryingAloneOnFailure,
} from './batching.js';

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

/**
 * An execute that refuses a whole batch when it carries an item that `bad` picks, as PostgreSQL
 * refuses a statement for one value; it records every call and the items that went through, and
 * that no call overlaps another.
 */
function refusing(bad: (x: number) => boolean, delayMs?: (items: number[]) => number) {
  const calls: number[][] = [];
  const committed: number[] = [];
  let running = 0;
  let overlapped = false;
  const execute = retryingAloneOnFailure<number, number>(async (items) => {
    calls.push(items);
    running += 1;
    overlapped ||= running > 1;
    try {
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs(items)));
      const refused = items.find(bad);
      if (refused !== undefined) throw new Error(`bad ${refused}`);
      committed.push(...items);
      return items.map((x) => x * 10);
    } finally {
      running -= 1;
    }
  });
  return { execute, calls, committed, overlapped: () => overlapped };
}

const outcome = (a: number | ItemFailure) => (a instanceof ItemFailure ? String(a.error) : a);

it('retries a failed batch in halves: one bad item among 200 costs 2·⌈log2 200⌉ + 1 statements', async () => {
  const items = Array.from({ length: 200 }, (_, i) => i);
  const { execute, calls } = refusing((x) => x === 137);
  const answers = await execute(items);
  expect(answers.map(outcome)).toEqual(items.map((x) => (x === 137 ? 'Error: bad 137' : x * 10)));
  // The whole batch, then at each of the ⌈log2 200⌉ = 8 levels of halving (200 → 100 → 50 → 25 →
  // 13 → 7 → 4 → 2 → 1) its two halves: the one without 137 goes through, the other is split again.
  expect(calls.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(200)) + 1);
});

it('retries in arrival order, one statement after another, failing only the bad items', async () => {
  // Later items answer sooner: run at once, the second half would go through before the first.
  const { execute, committed, overlapped } = refusing(
    (x) => x < 0,
    (items) => 20 - Math.min(...items.map(Math.abs)),
  );
  const items = [1, -2, 3, 4, 5, -6, 7, 8, 9];
  const answers = await execute(items);
  expect(answers.map(outcome)).toEqual([
    10,
    'Error: bad -2',
    30,
    40,
    50,
    'Error: bad -6',
    70,
    80,
    90,
  ]);
  expect(committed).toEqual([1, 3, 4, 5, 7, 8, 9]);
  expect(overlapped()).toBe(false);
});

it('lets the earlier of two conflicting writes win, and fails the later alone', async () => {
  // Writes of [id, value]: a statement is refused when it writes an id already stored, or one id
  // twice (a unique index), so the conflict fails whichever batch carries both.
  const stored = new Map<number, string>();
  const execute = retryingAloneOnFailure<[number, string], void>(async (writes) => {
    const ids = writes.map(([id]) => id);
    if (ids.some((id, i) => stored.has(id) || ids.indexOf(id) !== i))
      throw new Error('duplicate id');
    for (const [id, value] of writes) stored.set(id, value);
    return writes.map(() => undefined);
  });
  const answers = await execute([
    [1, 'a'],
    [2, 'first'],
    [3, 'c'],
    [4, 'd'],
    [2, 'second'],
  ]);
  expect(answers.map((a) => (a instanceof ItemFailure ? String(a.error) : a))).toEqual([
    undefined,
    undefined,
    undefined,
    undefined,
    'Error: duplicate id',
  ]);
  expect(stored.get(2)).toBe('first');
  expect([...stored.keys()].sort()).toEqual([1, 2, 3, 4]);
});

it('tells onBatchFailure once per failed batch of several, with its size, not per half', async () => {
  const told: [unknown, number][] = [];
  const execute = retryingAloneOnFailure<number, number>(
    async (items) => {
      if (items.some((x) => x < 0)) throw new Error('refused');
      return items;
    },
    (error, batchSize) => told.push([error, batchSize]),
  );
  await execute([1, -2, 3, -4, 5, 6, 7]);
  expect(told).toEqual([[new Error('refused'), 7]]);
  await expect(execute([-1])).rejects.toThrow('refused');
  await execute([1, 2]);
  expect(told).toHaveLength(1);
});

it('reports a batchedPerHandle failure to the hook of its handle, or of the handle it reads for', async () => {
  const lookup = batchedPerHandle(
    async (_handle: object, keys: number[]) => {
      if (keys.some((x) => x < 0)) throw new Error('refused');
      return keys;
    },
    { maxBatch: 10, concurrency: 1 },
  );
  const primary = {};
  const replica = {};
  const told: [string, number][] = [];
  reportBatchFailures(primary, (_error, batchSize) => told.push(['primary', batchSize]));
  reportBatchFailuresAs(replica, primary);
  for (const handle of [primary, replica]) {
    // The first goes out alone; the next three travel together, the bad one among them.
    const outcomes = await Promise.allSettled([0, 1, -2, 3].map((x) => lookup(handle, x)));
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
  }
  expect(told).toEqual([
    ['primary', 3],
    ['primary', 3],
  ]);
});

/** Errors as pg, PGlite and Node's sockets throw them when no statement could have gone through. */
function socketError(code: string) {
  return Object.assign(new Error(`read ${code}`), { code, errno: -104, syscall: 'read' });
}
function serverError(code: string, message: string) {
  return Object.assign(new Error(message), { code, severity: 'FATAL' });
}
const UNAVAILABLE: [string, Error][] = [
  ['a reset socket', socketError('ECONNRESET')],
  ['a refused connection', socketError('ECONNREFUSED')],
  ["pg's lost connection", new Error('Connection terminated unexpectedly')],
  [
    'the server shutting down',
    serverError('57P01', 'terminating connection due to administrator command'),
  ],
  ['a connection failure', serverError('08006', 'connection failure')],
  ['too many connections', serverError('53300', 'sorry, too many clients already')],
];

it.each(UNAVAILABLE)(
  'fails a batch of 200 at once, in one statement, on %s',
  async (_name, unavailable) => {
    const calls: number[][] = [];
    const told: number[] = [];
    const gate = deferred();
    const batcher = createBatcher(
      retryingAloneOnFailure<number, number>(
        async (items) => {
          // The first item goes out alone and holds the line, so the 200 queue into one batch.
          if (items[0] === -1) return gate.promise.then(() => items);
          calls.push(items);
          throw unavailable;
        },
        (_error, batchSize) => told.push(batchSize),
      ),
      { maxBatch: 200, concurrency: 1 },
    );
    const first = batcher.run(-1);
    const rest = Promise.allSettled(Array.from({ length: 200 }, (_, i) => batcher.run(i)));
    gate.release();
    await first;
    const outcomes = await rest;
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(200);
    expect((await outcomes).every((o) => o.status === 'rejected' && o.reason === unavailable)).toBe(
      true,
    );
    expect(told).toEqual([]);
  },
);

it('still halves a batch refused for a value (SQLSTATE class 22, 23)', async () => {
  for (const code of ['22007', '23505']) {
    const calls: number[][] = [];
    const execute = retryingAloneOnFailure<number, number>(async (items) => {
      calls.push(items);
      if (items.includes(3)) throw serverError(code, 'refused');
      return items;
    });
    const answers = await execute([0, 1, 2, 3]);
    expect(answers.map((a) => (a instanceof ItemFailure ? 'failed' : a))).toEqual([
      0,
      1,
      2,
      'failed',
    ]);
    expect(calls).toEqual([[0, 1, 2, 3], [0, 1], [2, 3], [2], [3]]);
  }
});

it('stops halving once the connection is lost, failing what is left with that error', async () => {
  const lost = socketError('ECONNRESET');
  const calls: number[][] = [];
  const execute = retryingAloneOnFailure<number, number>(async (items) => {
    calls.push(items);
    if (calls.length === 1) throw new Error('bad 3');
    if (calls.length === 2) return items;
    throw lost;
  });
  const answers = await execute([0, 1, 2, 3, 4, 5, 6, 7]);
  // The first half goes through; the second meets the lost connection, and is not halved.
  expect(calls).toEqual([
    [0, 1, 2, 3, 4, 5, 6, 7],
    [0, 1, 2, 3],
    [4, 5, 6, 7],
  ]);
  expect(answers.map((a) => (a instanceof ItemFailure ? a.error : a))).toEqual([
    0,
    1,
    2,
    3,
    lost,
    lost,
    lost,
    lost,
  ]);
});
