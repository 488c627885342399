// Runs the portal's background work on an interval: the reader deadline job and, with SMTP, the
// mail dispatcher. start/stop come as a pair. Runs are single-flight in an instance: the interval
// skips a tick while one is running, and `runOnce` (a move of the stack clock calls it) waits for
// the run in flight and then runs once more, so the move is acted on at its new time and never by
// two runs at once; callers that come meanwhile share that one trailing run. With several portal
// instances the deadline job runs in one at a time (an advisory lock) and mail is claimed with a
// lease (dispatchMail). Each reminder and cancellation is also conditional in the database, so
// even overlapping runs act once.
import type { Clock } from '@shikaku/core/clock';
import { runExclusive } from '@shikaku/db/claims';
import type { DatabaseHandle } from '@shikaku/db/database';
import type { Logger } from '@shikaku/platform/logger';
import { dispatchMail, type MailTransport } from '../mail/outbox.js';
import { runReaderDeadlineJob } from './reader-deadline.js';

export interface PortalJobs {
  /** Runs the jobs now, or right after the run in flight; resolves when that run has finished. */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export function startPortalJobs(options: {
  handle: DatabaseHandle;
  clock: Clock;
  intervalMs: number;
  logger: Logger;
  mail?: { transport: MailTransport; from: string } | undefined;
}): PortalJobs {
  let running: Promise<void> | undefined;
  let trailing: Promise<void> | undefined;
  const runJobs = async () => {
    try {
      const deadline = await runExclusive(options.handle, 'portal/reader-deadline', () =>
        runReaderDeadlineJob(options.handle, options.clock),
      );
      if (deadline.ran && deadline.value.reminded + deadline.value.cancelled > 0)
        options.logger.info(deadline.value, 'reader deadline job');
      if (options.mail) {
        const sent = await dispatchMail(
          options.handle,
          options.mail.transport,
          options.mail.from,
          options.clock,
        );
        if (sent.failed > 0) options.logger.warn(sent, 'some mail could not be sent');
      }
    } catch (err) {
      options.logger.error({ err }, 'portal job failed');
    }
  };
  const runOnce = (): Promise<void> => {
    if (!running) {
      running = runJobs().finally(() => (running = undefined));
      return running;
    }
    trailing ??= running.then(() => {
      trailing = undefined;
      return runOnce();
    });
    return trailing;
  };
  const tick = () => {
    if (!running) void runOnce();
  };
  const timer = options.intervalMs > 0 ? setInterval(tick, options.intervalMs) : undefined;
  timer?.unref();
  tick();
  return {
    runOnce,
    async stop() {
      if (timer) clearInterval(timer);
      await (trailing ?? running);
    },
  };
}
