// The scheduled job for 機種未定 applications: reminders before the model-selection deadline, and
// cancellation (with a mail) of those still undecided after it. Which applications are cancelled is
// core's rule (readerApplicationStatus); the job only applies it and tells the institution.
import { type Clock, jstDate } from '@shikaku/core/clock';
import {
  MODEL_SELECTION_DEADLINE,
  MODEL_UNDECIDED,
  readerApplicationStatus,
} from '@shikaku/core/card-readers';
import { addDays } from '@shikaku/core/dates';
import type { DatabaseHandle } from '@shikaku/db/database';
import { enqueueMail } from '@shikaku/db/portal/mail';
import {
  cancelUndecidedApplication,
  listUndecidedApplications,
  markReminderSent,
} from '@shikaku/db/portal/reader-applications';
import { readerCancelledMail, readerDeadlineReminderMail } from '../mail/templates.js';

/** Reminders go out from this many days before the deadline (a portal policy, not a seed rule). */
export const REMINDER_DAYS_BEFORE = 14;

export interface DeadlineJobResult {
  reminded: number;
  cancelled: number;
}

export async function runReaderDeadlineJob(
  handle: DatabaseHandle,
  clock: Clock,
): Promise<DeadlineJobResult> {
  const now = clock.now();
  const today = jstDate(now);
  const deadline = MODEL_SELECTION_DEADLINE.extended;
  const remindFrom = addDays(deadline, -REMINDER_DAYS_BEFORE);
  const result: DeadlineJobResult = { reminded: 0, cancelled: 0 };
  for (const application of await listUndecidedApplications(handle)) {
    const status = readerApplicationStatus(MODEL_UNDECIDED, today, deadline);
    if (status === 'cancelled') {
      const cancelled = await cancelUndecidedApplication(
        handle,
        application.id,
        now,
        `機種選定期限（${deadline}）までに機種が選定されなかったため取消`,
      );
      if (cancelled) {
        result.cancelled++;
        if (application.email) {
          await enqueueMail(
            handle,
            [readerCancelledMail(application.email, deadline, application.id)],
            now,
          );
        }
      }
    } else if (today >= remindFrom && !application.reminder_sent_at) {
      await markReminderSent(handle, application.id, now);
      result.reminded++;
      if (application.email) {
        await enqueueMail(
          handle,
          [readerDeadlineReminderMail(application.email, deadline, application.id)],
          now,
        );
      }
    }
  }
  return result;
}
