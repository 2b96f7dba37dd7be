import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Models } from '../../src/db/models';
import type { Cloud } from '../../src/partners/model';
import type { Mailer } from '../../src/outbox/mailer';
import type { DirectoryEntry } from '../../workflows/customer-directory/types';
import { OnboardingFailure } from '../../workflows/onboarding/failures';
import { DirectorySignaller } from '../customer-directory/signaller';
import { saveSnapshot } from '../snapshot';

export interface OnboardingActivityDeps {
  models: Models;
  temporal: Client;
  taskQueue: string;
  mailer?: Mailer;
  /** Gathering time of a partner's directory writer (see customerDirectoryWorkflow); 0 or unset: none. */
  directoryRefreshMs?: number;
}

export interface SubscriptionSnapshot {
  subscriptionId: string;
  customerId: string;
  partnerId: string;
  sku: string;
  status: 'trial' | 'active' | 'suspended' | 'removed' | 'cancelled';
  licenses: number;
  trialEndsAt?: string;
  purchasedAt?: string;
  createdAt: string;
  updatedAt: string;
  revision: number;
}

export interface StageRecord {
  workflowId: string;
  /** The n-th stage of that workflow: the record's key. */
  n: number;
  partnerId: string;
  customerId: string;
  stage: string;
  at: string;
  by: string;
  detail?: string;
}

export interface Email {
  /** Deterministic: the same message from a retried activity is the same key. */
  key: string;
  partnerId: string;
  customerId?: string;
  to: string;
  subject: string;
  text: string;
  kind: string;
  at: string;
}

export function createOnboardingActivities(deps: OnboardingActivityDeps) {
  const { models } = deps;
  const directory = new DirectorySignaller(deps.temporal, deps.taskQueue, deps.directoryRefreshMs ?? 0);
  return {
    /**
     * The customer tenant an acceptance is for: a new one (refused if its domain
     * is taken) or an existing one (which must be of the partner's cloud).
     */
    async registerCustomer(input: {
      mode: 'create' | 'existing';
      customerId: string;
      cloud: string;
      name?: string;
      domain?: string;
      contact?: { name: string; email: string };
      at: string;
    }): Promise<{ customerId: string; name: string; domain: string; contactEmail: string; contactName: string; created: boolean }> {
      const view = (c: { _id: string; name: string; domain: string; contacts?: Array<{ name: string; email: string }> | null }, created: boolean) => ({
        customerId: c._id,
        name: c.name,
        domain: c.domain,
        contactName: c.contacts?.[0]?.name ?? c.name,
        contactEmail: c.contacts?.[0]?.email ?? '',
        created,
      });
      if (input.mode === 'existing') {
        const c = await models.Customer.findById(input.customerId).lean();
        if (!c) throw ApplicationFailure.nonRetryable(`customer ${input.customerId} does not exist`, OnboardingFailure.CustomerNotFound);
        if (c.cloud !== input.cloud) {
          throw ApplicationFailure.nonRetryable(`customer ${c.domain} is in the ${c.cloud} cloud, the partner in the ${input.cloud} cloud`, OnboardingFailure.CloudMismatch);
        }
        return view(c, false);
      }
      const at = new Date(input.at);
      const domain = input.domain!.toLowerCase();
      try {
        await models.CustomerDomain.create({ _id: domain, customerId: input.customerId });
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        const holder = await models.CustomerDomain.findById(domain).lean();
        if (holder?.customerId !== input.customerId) {
          throw ApplicationFailure.nonRetryable(`a customer with the domain ${input.domain} already exists`, OnboardingFailure.CustomerExists, { domain: input.domain });
        }
      }
      try {
        await models.Customer.create({
          _id: input.customerId,
          name: input.name,
          domain: input.domain,
          cloud: input.cloud as Cloud,
          contacts: input.contact ? [input.contact] : [],
          createdAt: at,
          updatedAt: at,
        });
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        const mine = await models.Customer.findById(input.customerId).lean();
        if (!mine) {
          // Held by a customer made before domains were registered: the register now names it.
          const holder = await models.Customer.findOne({ domain }, { _id: 1 }).lean();
          if (holder) await models.CustomerDomain.updateOne({ _id: domain }, { $set: { customerId: holder._id } });
          throw ApplicationFailure.nonRetryable(`a customer with the domain ${input.domain} already exists`, OnboardingFailure.CustomerExists, { domain: input.domain });
        }
      }
      const c = (await models.Customer.findById(input.customerId).lean())!;
      return view(c, true);
    },

    /** Appends one stage to the customer's timeline (keyed by workflow and step: written once). */
    async recordStage(r: StageRecord): Promise<void> {
      try {
        await models.TimelineEvent.create({ _id: `${r.workflowId}#${r.n}`, partnerId: r.partnerId, customerId: r.customerId, stage: r.stage, at: new Date(r.at), by: r.by, detail: r.detail, workflowId: r.workflowId });
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
      }
    },

    async saveSubscription(s: SubscriptionSnapshot): Promise<void> {
      const { subscriptionId, ...fields } = s;
      await saveSnapshot(models.Subscription, subscriptionId, fields);
    },

    /** Hands a customer change to the partner's directory writer (starting it if needed). */
    async publishCustomer(entry: DirectoryEntry): Promise<void> {
      await directory.send(entry);
    },

    /** Records an e-mail in the outbox and, when SMTP is configured, sends it — once, whatever the retries. */
    async sendEmail(m: Email): Promise<void> {
      try {
        await models.OutboxMessage.create({ _id: m.key, partnerId: m.partnerId, customerId: m.customerId, to: m.to, subject: m.subject, text: m.text, kind: m.kind, createdAt: new Date(m.at), status: 'recorded' });
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
      }
      if (!deps.mailer) return;
      const stored = await models.OutboxMessage.findById(m.key).lean();
      if (stored?.status === 'sent') return;
      await deps.mailer.send({ to: m.to, subject: m.subject, text: m.text, messageId: m.key });
      await models.OutboxMessage.updateOne({ _id: m.key }, { $set: { status: 'sent', sentAt: new Date() } });
    },
  };
}

export type OnboardingActivities = ReturnType<typeof createOnboardingActivities>;
