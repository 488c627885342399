import type { Clock } from '@shikaku/core/clock';
import type { QualificationOutboxEvent } from '@shikaku/core/qualification-event';
import { runExclusive } from '@shikaku/db/claims';
import type { DatabaseHandle } from '@shikaku/db/database';
import { readOutboxCursor } from '@shikaku/db/eligibility/qualifications';
import { loadIntoEmptyStore } from '@shikaku/db/eligibility/seed-load';
import { applyOutboxEventsPage } from '@shikaku/db/eligibility/withholds';
import type { Logger } from '@shikaku/platform/logger';
import type { Upstreams } from './upstream.js';

export const OUTBOX_CONSUMER = 'eligibility-api';

type FetchPage = (
  after: number,
  limit: number,
) => Promise<{ events: QualificationOutboxEvent[]; next: number }>;

/** Index of the first event after sequence `after` in events sorted by sequence. */
function firstAfter(events: readonly QualificationOutboxEvent[], after: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (events[mid]!.sequence <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Pulls the intermediate server's qualification outbox into the eligibility store. Each page is
 * applied and the cursor moved in one transaction; events are upserts keyed by qualificationId
 * or withholds (the qualification stops being served at once), so a page applied twice (a crash
 * between fetch and commit) changes nothing. With several instances one relays at a time (an
 * advisory lock, freed with a killed holder's connection), and a page is applied only while the
 * cursor is still where it was read, so the cursor never moves back.
 */
export function createOutboxRelay(options: {
  handle: DatabaseHandle;
  upstreams: Upstreams;
  clock: Clock;
  logger: Logger;
  pageSize?: number;
  pollMs: number;
}) {
  const pageSize = options.pageSize ?? 1000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  /**
   * Applies pages until the outbox is drained; returns how many events were applied (0 when
   * another instance is relaying).
   */
  async function drain(): Promise<number> {
    return drainExclusive((after) => options.upstreams.fetchOutbox(after, pageSize), pageSize);
  }

  /**
   * Applies outbox events handed over in memory (`events`: the outbox from its start, in sequence
   * order, as its reader serves it; the stack's freshly seeded members): into an empty store in
   * one load, else through the same pages, cursor checks and writes as `drain` but with no HTTP,
   * JSON or snapshot query per page. Events the cursor has passed are skipped; `drain` goes on
   * from where these end.
   */
  async function applyHandedOver(events: readonly QualificationOutboxEvent[]): Promise<number> {
    // An empty store takes them in one load (the same rows and cursor the pages would leave).
    const run = await runExclusive(options.handle, `${OUTBOX_CONSUMER}/outbox-relay`, () =>
      loadIntoEmptyStore(options.handle, OUTBOX_CONSUMER, events, options.clock.now()),
    );
    if (run.ran && run.value) return events.length;
    return drainExclusive(async (after, limit) => {
      const from = firstAfter(events, after);
      const page = events.slice(from, from + limit);
      return { events: page, next: page.at(-1)?.sequence ?? after };
    }, pageSize);
  }

  async function drainExclusive(fetchPage: FetchPage, limit: number): Promise<number> {
    const run = await runExclusive(options.handle, `${OUTBOX_CONSUMER}/outbox-relay`, () =>
      drainPages(fetchPage, limit),
    );
    return run.ran ? run.value : 0;
  }

  async function drainPages(fetchPage: FetchPage, limit: number): Promise<number> {
    let applied = 0;
    for (;;) {
      const after = await readOutboxCursor(options.handle, OUTBOX_CONSUMER);
      const page = await fetchPage(after, limit);
      if (page.events.length === 0) return applied;
      const next = Math.max(page.next, ...page.events.map((e) => e.sequence));
      const moved = await applyOutboxEventsPage(
        options.handle,
        OUTBOX_CONSUMER,
        page.events,
        next,
        options.clock.now(),
        after,
      );
      if (!moved) return applied;
      applied += page.events.length;
      if (page.events.length < limit || stopped) return applied;
    }
  }

  const tick = () => {
    running = drain()
      .then(
        (applied) => {
          if (applied > 0) options.logger.info({ applied }, 'outbox events applied');
        },
        (err: unknown) => options.logger.warn({ err }, 'outbox relay failed; retrying'),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.pollMs);
      });
  };

  return {
    drain,
    applyHandedOver,
    start() {
      stopped = false;
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
