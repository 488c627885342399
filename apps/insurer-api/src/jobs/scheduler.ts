import { type Clock, isControllableClock } from '@shikaku/core/clock';
import type { Logger } from '@shikaku/platform/logger';

/** How often a job looks whether it is due (by the clock), at most. */
const LOOK_MS = 1_000;

/**
 * Runs `task` every `intervalMs` (of the clock's time or of real time), never two at once; `stop()` waits for a run
 * in progress. Due-ness is read from the clock, so a stack clock moved forward (`shikaku clock
 * advance 24h`) makes the hourly re-match due at once: a controllable clock's move waits for the
 * jobs it made due. Explicit start/stop pairs (no timers left behind after app.close()).
 */
export function every(
  name: string,
  intervalMs: number,
  task: () => Promise<unknown>,
  logger: Logger,
  clock: Clock = { now: () => new Date() },
): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  let stopped = false;
  // Due by the clock's time or by real time: a fixed test clock still lets the job run.
  let lastRunAt = clock.now().getTime();
  let lastRunReal = Date.now();
  const run = () => {
    lastRunAt = clock.now().getTime();
    lastRunReal = Date.now();
    running = task()
      .catch((error: unknown) => logger.error({ err: error, job: name }, 'job failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const due = () =>
    clock.now().getTime() - lastRunAt >= intervalMs || Date.now() - lastRunReal >= intervalMs;
  const timer = setInterval(
    () => {
      if (running || stopped || !due()) return;
      void run();
    },
    Math.min(intervalMs, LOOK_MS),
  );
  timer.unref();
  const removeListener = isControllableClock(clock)
    ? clock.onAdvance(async () => {
        await running;
        if (!stopped && !running && due()) await run();
      })
    : undefined;
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      removeListener?.();
      await running;
    },
  };
}
