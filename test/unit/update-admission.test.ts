import type { WorkflowStartUpdateInput, WorkflowStartUpdateOutput } from '@temporalio/client';
import { updateAdmission } from '../../src/temporal/update-admission';

const input = (workflowId: string) => ({ workflowExecution: { workflowId } }) as unknown as WorkflowStartUpdateInput;

describe('updates sent to one workflow at once', () => {
  it('sends at most the limit per workflow, the rest in order as each is answered; other workflows are not held up', async () => {
    const startUpdate = updateAdmission(2).startUpdate!;
    const inFlight = new Map<string, number>();
    let most = 0;
    const order: string[] = [];
    const answers: Array<() => void> = [];
    const next = async (i: WorkflowStartUpdateInput) => {
      const id = i.workflowExecution.workflowId!;
      inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      most = Math.max(most, inFlight.get('busy') ?? 0);
      order.push(id);
      await new Promise<void>((r) => answers.push(r));
      inFlight.set(id, inFlight.get(id)! - 1);
      return { updateId: id, workflowRunId: 'run' } as WorkflowStartUpdateOutput;
    };
    const sent = Array.from({ length: 5 }, () => startUpdate(input('busy'), next));
    const other = startUpdate(input('quiet'), next);
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['busy', 'busy', 'quiet']);
    while (order.length < 6) {
      answers.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    answers.forEach((a) => a());
    await Promise.all([...sent, other]);
    expect(most).toBe(2);
    expect(order.filter((id) => id === 'busy')).toHaveLength(5);
  });

  it('a failed update frees its place', async () => {
    const startUpdate = updateAdmission(1).startUpdate!;
    await expect(startUpdate(input('w'), async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(startUpdate(input('w'), async () => ({ updateId: 'u', workflowRunId: 'r' }) as WorkflowStartUpdateOutput)).resolves.toMatchObject({
      updateId: 'u',
    });
  });
});
