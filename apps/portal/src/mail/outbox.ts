// Mail leaves through portal.mail_outbox: written with the change it reports, sent by the
// dispatcher when SMTP_URL is set, and readable on /mailbox when it is not.
import type { Clock } from '@shikaku/core/clock';
import type { DatabaseHandle } from '@shikaku/db/database';
import { listUnsentMail, markMailSent, type NewMail } from '@shikaku/db/portal/mail';
import nodemailer from 'nodemailer';

export interface MailTransport {
  send(mail: NewMail & { from: string }): Promise<void>;
}

export function smtpTransport(smtpUrl: string): MailTransport & { close(): void } {
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transporter.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.body,
      });
    },
    close: () => transporter.close(),
  };
}

/** Sends what is waiting, oldest first; a failed send stays in the outbox for the next run. */
export async function dispatchMail(
  handle: DatabaseHandle,
  transport: MailTransport,
  from: string,
  clock: Clock,
  batch = 50,
): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  for (const mail of await listUnsentMail(handle, batch)) {
    try {
      await transport.send({ from, to: mail.to_address, subject: mail.subject, body: mail.body });
      await markMailSent(handle, mail.id, clock.now());
      sent++;
    } catch {
      failed++;
    }
  }
  return { sent, failed };
}
