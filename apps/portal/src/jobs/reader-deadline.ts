// The scheduled job for 機種未定 applications: reminders before the model-selection deadline, and
// cancellation (with a mail) of those still undecided after it. Which applications are cancelled is
// core's rule (readerApplicationStatus) against each application's deadline (its own when the
// consultation desk extended it; an open consultation holds it); the job applies it and tells the
// institution.
import { type Clock, jstDate } from '@shikaku/core/clock';
import {
  MODEL_SELECTION_DEADLINE,
  MODEL_UNDECIDED,
  readerApplicationStatus,
} from '@shikaku/core/card-readers';
import { addDays } from '@shikaku/core/dates';
import type { DatabaseHandle } from '@shikaku/db/database';
import {
  cancelUndecidedApplication,
  listUndecidedApplications,
  markReminderSent,
} from '@shikaku/db/portal/reader-applications';
import { readerCancelledMail, readerDeadlineReminderMail } from '../mail/templates.js';
import { formatDate } from '../web/dates.js';

/** Reminders go out from this many days before the deadline (a portal policy, not a seed rule). */
export const REMINDER_DAYS_BEFORE = 14;

export interface DeadlineJobResult {
  reminded: number;
  cancelled: number;
  /** Past their deadline but not cancelled: the consultation desk has not answered yet. */
  held: number;
}

export async function runReaderDeadlineJob(
  handle: DatabaseHandle,
  clock: Clock,
): Promise<DeadlineJobResult> {
  const now = clock.now();
  const today = jstDate(now);
  const result: DeadlineJobResult = { reminded: 0, cancelled: 0, held: 0 };
  for (const application of await listUndecidedApplications(handle)) {
    // The application's own deadline when the consultation desk extended it.
    const deadline = application.model_deadline ?? MODEL_SELECTION_DEADLINE.extended;
    const remindFrom = addDays(deadline, -REMINDER_DAYS_BEFORE);
    const status = readerApplicationStatus(MODEL_UNDECIDED, today, deadline);
    if (status === 'cancelled') {
      if (application.consultation_status === 'open') {
        result.held++;
        continue;
      }
      const mails = application.email
        ? [readerCancelledMail(application.email, formatDate(deadline), application.id)]
        : [];
      // The cancellation and its mail commit together: a killed run leaves neither or both.
      const cancelled = await cancelUndecidedApplication(
        handle,
        application.id,
        now,
        `機種選定期限（${formatDate(deadline)}）までに機種が選定されなかったため取消`,
        { own: application.model_deadline },
        mails,
      );
      if (cancelled) result.cancelled++;
    } else if (today >= remindFrom && !application.reminder_sent_at) {
      const mails = application.email
        ? [readerDeadlineReminderMail(application.email, formatDate(deadline), application.id)]
        : [];
      // Conditional, like the cancellation: a run that overlapped this one may have sent it.
      if (await markReminderSent(handle, application.id, now, mails)) result.reminded++;
    }
  }
  return result;
}
