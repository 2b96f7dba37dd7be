import { WorkflowUpdateStage } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { CustomerDirectory } from '../../src/customers/directory/directory';
import { createWorker } from '../../src/worker/worker';
import { onboardingWorkflow } from '../../workflows';
import { cancelTrialUpdate, purchaseUpdate } from '../../workflows/onboarding/messages';
import { testEnv } from '../support/servers';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * An update that reaches a workflow before its first task was handled (a busy
 * worker, or one that was down) is handed to its validator while the workflow
 * registers the handler, before the rest of the workflow function has run: the
 * handlers must not depend on anything declared later.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ worker: false });
});
afterAll(async () => {
  await stack?.stop();
});

const onboardingInput = (n: string) => ({
  partnerId: `prt_early${n}`,
  customerId: `cus_early${n}`,
  customer: { name: `Early ${n}`, domain: `early${n}.example`, cloud: 'global', contactEmail: `e${n}@early.example`, contactName: 'E' },
  invitationId: 'inv_early',
  trial: { subscriptionId: `sub_early${n}`, sku: 'BUS-STD', licenses: 5, lengthMs: 30 * 86_400_000 },
  reminderOffsetsMs: [],
  gracePeriodMs: 86_400_000,
});

it('the onboarding takes a purchase and a trial cancellation sent before its first task ran', async () => {
  const bought = await stack.client.workflow.start(onboardingWorkflow, {
    workflowId: 'onboarding:early:1',
    taskQueue: stack.taskQueue,
    args: [onboardingInput('1')],
  });
  const cancelled = await stack.client.workflow.start(onboardingWorkflow, {
    workflowId: 'onboarding:early:2',
    taskQueue: stack.taskQueue,
    args: [onboardingInput('2')],
  });
  const item = { sku: 'BUS-STD', licenses: 7, minLicenses: 1, maxLicenses: 300, priceMinor: 1250, currency: 'USD', subscriptionId: 'sub_other' };
  const purchase = bought.startUpdate(purchaseUpdate, {
    args: [
      {
        offerId: 'ofr_early',
        items: [item],
        partnerEmail: 'p@early.example',
        billingPeriodMs: 30 * 86_400_000,
        cancellationWindowMs: 7 * 86_400_000,
        by: 'customer',
      },
    ],
    waitForStage: WorkflowUpdateStage.ACCEPTED,
  });
  const cancel = cancelled.startUpdate(cancelTrialUpdate, { args: [{ by: 'customer' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
  await new Promise((r) => setTimeout(r, 1000)); // both updates wait with the workflows' first tasks

  const connection = await NativeConnection.connect({ address: testEnv('temporalAddress') });
  const worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue: stack.taskQueue,
    deps: { models: stack.models, directory: new CustomerDirectory(stack.connection), temporal: stack.client, taskQueue: stack.taskQueue },
    workflowBundle: { codePath: testEnv('workflowBundle') },
  });
  await worker.runUntil(async () => {
    expect(await (await purchase).result()).toMatchObject({ subscriptions: [{ subscriptionId: 'sub_early1', licenses: 7, convertedTrial: true }] });
    expect((await (await cancel).result()).stage).toBe('cancelled');
    expect((await cancelled.result()).stage).toBe('cancelled');
  });
  await connection.close();
}, 60_000);
