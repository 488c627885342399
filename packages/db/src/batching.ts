import { isUnavailableError } from './database-errors.js';

export interface BatcherOptions {
  /** Most items in one call of `execute`. */
  maxBatch: number;
  /** Calls of `execute` in flight at once (each on its own connection). */
  concurrency: number;
}

/**
 * Batching of a hot read: up to 200 keys a statement, two statements in flight per handle. A
 * statement costs PostgreSQL ~200 µs of CPU whatever it carries and a key ~30 µs more, and each
 * one wakes a sleeping backend (and the server when it answers), so under load fewer, fuller
 * statements are cheaper on both sides: at 50 concurrent searches two in flight sent half the
 * statements of four (docs/benchmarks.md, "plans"). Two, not one: a slow statement (a page read
 * from disk, a replica catching up) does not hold every search behind it.
 */
export const LOOKUP_BATCHING: BatcherOptions = { maxBatch: 200, concurrency: 2 };

export interface Batcher<Item, Result> {
  /** Resolves with this item's result once the batch that carried it has run. */
  run(item: Item): Promise<Result>;
  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void>;
}

/** A result slot that fails its own item only (the rest of the batch still succeeds). */
export class ItemFailure {
  constructor(readonly error: unknown) {}
}

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces concurrent calls into batches without waiting for a batch to fill: an item goes out
 * at once when fewer than `concurrency` batches are in flight, and items that arrive meanwhile go
 * together in the next batch. Under light load each item is its own batch (no added latency);
 * under heavy load one round trip carries many items, so the database sees fewer statements (and
 * commits) than requests. `execute` returns one result per item, in order (an ItemFailure rejects
 * that item alone); when it throws, every item of that batch is rejected with the error.
 */
export function createBatcher<Item, Result>(
  execute: (items: Item[]) => Promise<(Result | ItemFailure)[]>,
  options: BatcherOptions,
): Batcher<Item, Result> {
  const queue: Waiting<Item, Result>[] = [];
  let inFlight = 0;
  let idleWaiters: (() => void)[] = [];

  const pump = () => {
    while (inFlight < options.concurrency && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight += 1;
      execute(batch.map((w) => w.item))
        .then(
          (results) => {
            for (let i = 0; i < batch.length; i++) {
              const result = results[i];
              if (result instanceof ItemFailure) batch[i]?.reject(result.error);
              else batch[i]?.resolve(result as Result);
            }
          },
          (error: unknown) => {
            for (const w of batch) w.reject(error);
          },
        )
        .finally(() => {
          inFlight -= 1;
          if (queue.length > 0) pump();
          else if (inFlight === 0) {
            const waiters = idleWaiters;
            idleWaiters = [];
            for (const resolve of waiters) resolve();
          }
        });
    }
  };

  return {
    run(item) {
      return new Promise<Result>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        pump();
      });
    },
    idle() {
      if (inFlight === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
      });
    },
  };
}

/**
 * Told once per batch of several items whose `execute` threw, before its halves are retried (they
 * are not told again), with the error and how many items the batch carried; never the items, which
 * can hold personal data. A batch of one is not told: its caller gets the error; nor is a batch
 * that failed for want of a database (isUnavailableError): it is not retried, every caller gets it.
 */
export type BatchFailureHook = (error: unknown, batchSize: number) => void;

/**
 * Wraps a batch `execute` so that a failed batch does not fail every item it carried (one bad key,
 * e.g. a date PostgreSQL refuses, fails the whole statement): the batch is run again in halves,
 * and a half that fails in halves again, until the items that fail alone are rejected. With k bad
 * items among N that is at most 1 + 2k·⌈log2 N⌉ statements (two per level of halving, down each
 * bad item's path) instead of 1 + N, so one bad key does not make a busy batch crawl. An error
 * that every statement would meet (a lost connection, the server shutting down: isUnavailableError)
 * is not retried: it fails the batch, or what is left of it, at once, in one statement, not 2N − 1.
 */
export function retryingAloneOnFailure<Item, Result>(
  execute: (items: Item[]) => Promise<(Result | ItemFailure)[]>,
  onBatchFailure?: BatchFailureHook,
): (items: Item[]) => Promise<(Result | ItemFailure)[]> {
  return async (items) => {
    try {
      return await execute(items);
    } catch (error) {
      if (items.length === 1 || isUnavailableError(error)) throw error;
      onBatchFailure?.(error, items.length);
      let unavailable: { error: unknown } | undefined;
      const attempt = async (part: Item[]): Promise<(Result | ItemFailure)[]> => {
        if (unavailable) return part.map(() => new ItemFailure(unavailable?.error));
        try {
          return await execute(part);
        } catch (failure) {
          if (isUnavailableError(failure)) unavailable = { error: failure };
          else if (part.length > 1) return inHalves(part);
          return part.map(() => new ItemFailure(failure));
        }
      };
      // The first half, then the second, each once the one before has finished: items still run
      // in arrival order, so of two writes that conflict (the same consent twice) the one sent
      // first wins, whatever the pool's connections would have made of them at once.
      const inHalves = async (part: Item[]): Promise<(Result | ItemFailure)[]> => {
        const half = Math.ceil(part.length / 2);
        return [...(await attempt(part.slice(0, half))), ...(await attempt(part.slice(half)))];
      };
      return inHalves(items);
    }
  };
}

const batchFailureHooks = new WeakMap<object, BatchFailureHook>();
/** A handle whose failed batches are reported where another's are (a replica, its primary). */
const reportsTo = new WeakMap<object, object>();

/**
 * Reports the failed batches of every batchedPerHandle lookup made on `handle` (and on the handles
 * its reads go to, see reportBatchFailuresAs). The lookups are module constants shared by every
 * app in the process, so the hook belongs to the handle an app opened, not to the lookup.
 */
export function reportBatchFailures(handle: object, hook: BatchFailureHook): void {
  batchFailureHooks.set(handle, hook);
}

/** `handle`'s failed batches are reported by the hook of `as` unless it has one of its own. */
export function reportBatchFailuresAs(handle: object, as: object): void {
  reportsTo.set(handle, as);
}

function batchFailureHookOf(handle: object): BatchFailureHook | undefined {
  const as = reportsTo.get(handle);
  return batchFailureHooks.get(handle) ?? (as && batchFailureHooks.get(as));
}

export interface BatchedPerHandleOptions extends BatcherOptions {
  /** Told of each failed batch; when absent, the hook reportBatchFailures gave the handle. */
  onBatchFailure?: BatchFailureHook;
}

/**
 * A one-key lookup made of one that takes many keys and answers one per key: concurrent calls on
 * the same handle share a statement (one batcher per handle, a WeakMap, made on first use), so no
 * caller is handed a batcher, and a failed batch is retried in halves (retryingAloneOnFailure).
 */
export function batchedPerHandle<Handle extends object, Key, Answer>(
  lookup: (handle: Handle, keys: Key[]) => Promise<(Answer | ItemFailure)[]>,
  options: BatchedPerHandleOptions,
): (handle: Handle, key: Key) => Promise<Answer> {
  const batchers = new WeakMap<Handle, Batcher<Key, Answer>>();
  return (handle, key) => {
    let batcher = batchers.get(handle);
    if (!batcher) {
      batcher = createBatcher(
        retryingAloneOnFailure(
          (keys: Key[]) => lookup(handle, keys),
          // Looked up when a batch fails, so a hook given after the first lookup is still told.
          (error, batchSize) =>
            (options.onBatchFailure ?? batchFailureHookOf(handle))?.(error, batchSize),
        ),
        options,
      );
      batchers.set(handle, batcher);
    }
    return batcher.run(key);
  };
}
