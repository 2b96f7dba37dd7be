import { SMTPServer } from 'smtp-server';
import { createOutboxActivities } from '../../activities/outbox/activities';
import { freePort } from '../../src/local/ports';
import { smtpMailer } from '../../src/outbox/smtp';
import { bearer, createPartner } from '../support/partners';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { linkCode, newCustomer } from '../support/flows';

/** A real SMTP server in the test, collecting what it receives. */
let server: SMTPServer;
const received: Array<{ to: string[]; raw: string }> = [];
let stack: TestStack;
let url: string;

beforeAll(async () => {
  const port = await freePort();
  server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString()));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  url = `smtp://127.0.0.1:${port}`;
  stack = await startTestStack({ mailer: smtpMailer(url, 'offerflow <noreply@offerflow.test>') });
});
afterAll(async () => {
  await stack?.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('e-mail through SMTP when it is configured', () => {
  it('sends what the outbox records, and marks it sent', async () => {
    const p = await createPartner(stack);
    const inv = await stack.http('POST', '/v1/invitations', { sku: 'BUS-STD' }, bearer(p.admin.token));
    const c = newCustomer();
    const accepted = await stack.http('POST', `/v1/links/${linkCode(inv.body.url)}/accept`, { customer: c });
    const message = await eventually(async () => received.find((m) => m.to.includes(c.contact.email)), 20_000, 'the e-mail to arrive');
    expect(message.raw).toMatch(/Subject: Your trial of BUS-STD has started/);
    expect(message.raw).toMatch(/From: offerflow <noreply@offerflow\.test>/);
    const stored = await eventually(
      async () => {
        const r = await stack.http('GET', `/v1/outbox?customerId=${accepted.body.customer.id}`, undefined, bearer(p.admin.token));
        return r.body.items[0]?.status === 'sent' && r.body.items[0];
      },
      10_000,
      'the outbox to say sent',
    );
    expect(stored.sentAt).toBeDefined();
  });

  it('each message once, even when the activity runs again after a failure', async () => {
    let failOnce = true;
    const flaky = smtpMailer(url, 'offerflow <noreply@offerflow.test>');
    const activities = createOutboxActivities({
      models: stack.models,
      mailer: {
        async send(m) {
          await flaky.send(m);
          if (failOnce) {
            failOnce = false;
            throw new Error('connection lost after sending'); // the worst case: sent, but not marked
          }
        },
      },
    });
    const email = {
      key: `once-${Date.now()}`,
      partnerId: 'ptn_x',
      to: 'once@example.test',
      subject: 'Once',
      text: 'only once',
      kind: 'test',
      at: new Date().toISOString(),
    };
    await expect(activities.sendEmail(email)).rejects.toThrow('connection lost');
    await activities.sendEmail(email); // the retry
    await activities.sendEmail(email); // and a late duplicate
    const copies = received.filter((m) => m.to.includes('once@example.test'));
    // sent, then the activity failed before marking it: the retry cannot know, and sends again
    // (at least once, with one Message-ID); once marked sent, it is never sent again
    expect(copies).toHaveLength(2);
    expect((await stack.models.OutboxMessage.findById(email.key).lean())!.status).toBe('sent');
    await activities.sendEmail(email);
    expect(received.filter((m) => m.to.includes('once@example.test'))).toHaveLength(copies.length);
    // both copies carry the same Message-ID, so a receiving server can drop the repeat
    expect(new Set(copies.map((m) => /Message-ID: (.*)/i.exec(m.raw)![1]))).toEqual(new Set([`<${email.key}@offerflow>`]));
  });
});
