// Mail leaves through portal.mail_outbox: written with the change it reports, sent by the
// dispatcher when SMTP_URL is set, and readable on /mailbox when it is not.
import type { Clock } from '@shikaku/core/clock';
import type { DatabaseHandle } from '@shikaku/db/database';
import { INSTANCE_ID } from '@shikaku/db/claims';
import { claimUnsentMail, markMailSent, type NewMail, releaseMail } from '@shikaku/db/portal/mail';
import nodemailer from 'nodemailer';

export interface MailTransport {
  /** `messageId` is the same for every try of one outbox mail, so a receiver can drop a repeat. */
  send(mail: NewMail & { from: string; messageId?: string }): Promise<void>;
}

/** How long a claimed batch is this dispatcher's: longer than sending it takes. */
const MAIL_LEASE_MS = 120_000;

export function smtpTransport(smtpUrl: string): MailTransport & { close(): void } {
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transporter.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.body,
        ...(mail.messageId ? { messageId: mail.messageId } : {}),
      });
    },
    close: () => transporter.close(),
  };
}

/**
 * Sends what is waiting, oldest first; a failed send stays in the outbox for the next run. Mail is
 * claimed with a lease, so dispatchers of several instances never send one mail twice; one killed
 * between sending and marking leaves the mail to be sent again after the lease, with the same
 * Message-ID (SMTP has no way to make that exactly once).
 */
export async function dispatchMail(
  handle: DatabaseHandle,
  transport: MailTransport,
  from: string,
  clock: Clock,
  batch = 50,
): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  const claimed = await claimUnsentMail(handle, {
    now: clock.now(),
    leaseMs: MAIL_LEASE_MS,
    limit: batch,
    holder: INSTANCE_ID,
  });
  for (const mail of claimed) {
    try {
      await transport.send({
        from,
        to: mail.to_address,
        subject: mail.subject,
        body: mail.body,
        messageId: `<mail-${mail.id}@shikaku.portal>`,
      });
    } catch {
      failed++;
      await releaseMail(handle, mail.id);
      continue;
    }
    await markMailSent(handle, mail.id, clock.now());
    sent++;
  }
  return { sent, failed };
}
