import type { Models } from '../../src/db/models';
import type { Mailer } from '../../src/outbox/mailer';
import type { OutboxMessageDoc } from '../../src/outbox/model';
import { insertRecordOnce } from '../records';

/** An e-mail as a workflow sends it: the outbox message's fields, its deterministic key and when. */
export interface Email extends Pick<OutboxMessageDoc, 'partnerId' | 'customerId' | 'to' | 'subject' | 'text' | 'kind'> {
  /** Deterministic: the same message from a retried activity is the same key. */
  key: string;
  at: string;
}

export function createOutboxActivities(deps: { models: Models; mailer?: Mailer }) {
  const { models } = deps;
  return {
    /** Records an e-mail in the outbox and, when SMTP is configured, sends it — once, whatever the retries. */
    async sendEmail(m: Email): Promise<void> {
      await insertRecordOnce(models.OutboxMessage, {
        _id: m.key,
        partnerId: m.partnerId,
        customerId: m.customerId,
        to: m.to,
        subject: m.subject,
        text: m.text,
        kind: m.kind,
        createdAt: new Date(m.at),
        status: 'recorded',
      });
      if (!deps.mailer) return;
      const stored = await models.OutboxMessage.findById(m.key).lean();
      if (stored?.status === 'sent') return;
      await deps.mailer.send({ to: m.to, subject: m.subject, text: m.text, messageId: m.key });
      await models.OutboxMessage.updateOne({ _id: m.key }, { $set: { status: 'sent', sentAt: new Date() } });
    },
  };
}

export type OutboxActivities = ReturnType<typeof createOutboxActivities>;
