import nodemailer from 'nodemailer';
import type { Mailer } from './mailer';

/** A Mailer over SMTP (SMTP_URL, e.g. smtp://user:pass@mail.example:587). */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send({ to, subject, text, messageId }) {
      // The outbox key as Message-ID: a receiving server can drop a repeat too.
      await transport.sendMail({ from, to, subject, text, messageId: `<${messageId.replace(/[^A-Za-z0-9._:-]/g, '-')}@offerflow>` });
    },
  };
}
