import type { Clock } from '@shikaku/core/clock';
import { runExclusive } from '@shikaku/db/claims';
import type { DatabaseHandle } from '@shikaku/db/database';
import { readOutboxCursor } from '@shikaku/db/eligibility/qualifications';
import { applyOutboxEventsPage } from '@shikaku/db/eligibility/withholds';
import type { Logger } from '@shikaku/platform/logger';
import type { Upstreams } from './upstream.js';

export const OUTBOX_CONSUMER = 'eligibility-api';

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
    const run = await runExclusive(options.handle, `${OUTBOX_CONSUMER}/outbox-relay`, drainPages);
    return run.ran ? run.value : 0;
  }

  async function drainPages(): Promise<number> {
    let applied = 0;
    for (;;) {
      const after = await readOutboxCursor(options.handle, OUTBOX_CONSUMER);
      const page = await options.upstreams.fetchOutbox(after, pageSize);
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
      if (page.events.length < pageSize || stopped) return applied;
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
