/** Sends e-mail. Without SMTP_URL there is none and the outbox only records. */
export interface Mailer {
  send(message: { to: string; subject: string; text: string; messageId: string }): Promise<void>;
}
