import type { WorkflowHandle } from '@temporalio/client';
import { acceptInvitationUpdate, invitationStateQuery, revokeInvitationUpdate } from '../../workflows/invitations/messages';
import { invitationStart } from '../../workflows/invitations/start';
import type { TrialInvitationInput } from '../../workflows/invitations/types';
import { trialInvitationWorkflow } from '../../workflows/invitations/workflow';
import { onboardingWorkflowId } from '../../workflows/onboarding/start';
import { useTimeSkipping } from '../support/time-skipping';
import { DAY, expectNear, invitationInput, ms } from './inputs';

// A trial invitation's one timer: it expires after expiresInMs (30 days by default).
const ts = useTimeSkipping();

const near = expectNear;
const start = (input: TrialInvitationInput) => ts.start(trialInvitationWorkflow, invitationStart(input));
const saved = (h: WorkflowHandle) => ts.callsTo('saveInvitation', h.workflowId).map(([s]) => [s.status, s.revision]);
const until = async (t: number) => ts.sleep(t - (await ts.now()));

describe('a trial invitation', () => {
  it('expires 30 days after its creation, stored as expired', async () => {
    const h = await start(invitationInput());
    const final = await h.result();
    expect(final.status).toBe('expired');
    expect(ms(final.expiresAt)).toBe(ms(final.createdAt) + 30 * DAY);
    near(final.expiredAt, ms(final.expiresAt));
    expect(saved(h)).toEqual([
      ['active', 1],
      ['expired', 2],
    ]);
    expect(ts.callsTo('saveInvitation', h.workflowId)[1]![0]).toMatchObject({ status: 'expired', expiredAt: final.expiredAt });
  });

  it('is still open on its last day: a customer accepting then gets its onboarding, and the invitation expires on time', async () => {
    const h = await start(invitationInput());
    await ts.eventually(() => saved(h).length === 1, 'the invitation stored');
    const { createdAt } = await h.query(invitationStateQuery);
    await until(ms(createdAt) + 30 * DAY - 2 * 3_600_000);
    const customerId = 'cus_lastday';
    const accepted = await h.executeUpdate(acceptInvitationUpdate, {
      args: [
        {
          customer: { mode: 'create', customerId, name: 'Last Day Ltd', domain: 'lastday.example', contact: { name: 'Lea', email: 'lea@lastday.example' } },
          subscriptionId: 'sub_lastday',
        },
      ],
    });
    const partnerId = ts.callsTo('saveInvitation', h.workflowId)[0]![0].partnerId;
    ts.cleanUp(onboardingWorkflowId(partnerId, customerId));
    expect(accepted).toMatchObject({
      customerId,
      created: true,
      started: true,
      subscriptionId: 'sub_lastday',
      onboardingWorkflowId: onboardingWorkflowId(partnerId, customerId),
    });
    expect(ts.callsTo('recordRedemption', h.workflowId).map(([r]) => r.customerId)).toEqual([customerId]);

    const final = await h.result();
    expect(final).toMatchObject({ status: 'expired', redemptions: 1 });
    near(final.expiredAt, ms(createdAt) + 30 * DAY);
    // the onboarding it started runs on (its trial has 30 days from the acceptance)
    expect(ts.callsTo('recordStage', accepted.onboardingWorkflowId).map(([r]) => r.stage)).toEqual(['trial-active']);
  });

  it('a custom expiry (expiresInMs) is honoured', async () => {
    const h = await start(invitationInput({ expiresInMs: 3 * DAY }));
    const final = await h.result();
    expect(final.status).toBe('expired');
    near(final.expiredAt, ms(final.createdAt) + 3 * DAY);
  });

  it('revoked before it expires: it ends revoked at once and never expires', async () => {
    const h = await start(invitationInput());
    await ts.eventually(() => saved(h).length === 1, 'the invitation stored');
    await ts.sleep(10 * DAY);
    const revoked = await h.executeUpdate(revokeInvitationUpdate, { args: [{ by: 'usr_partner_admin' }] });
    expect(revoked).toMatchObject({ status: 'revoked', revokedBy: 'usr_partner_admin' });
    const final = await h.result();
    expect(final.status).toBe('revoked');
    expect(final.expiredAt).toBeUndefined();
    expect(saved(h)).toEqual([
      ['active', 1],
      ['revoked', 2],
    ]);
  });
});
