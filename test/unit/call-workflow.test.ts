import { callWorkflow } from '../../src/temporal/failures';

/** A gRPC RESOURCE_EXHAUSTED as the client reports a workflow with too many updates in flight. */
const busy = () => Object.assign(new Error('8 RESOURCE_EXHAUSTED: too many outstanding updates'), { code: 8, details: 'busy', metadata: {} });

describe('calling a workflow that is busy', () => {
  it('calls again after a short pause until it is admitted', async () => {
    let calls = 0;
    const answer = await callWorkflow(async () => {
      if (++calls < 3) throw busy();
      return 'done';
    });
    expect({ answer, calls }).toEqual({ answer: 'done', calls: 3 });
  });

  it('gives up once busy past the wait, and never repeats any other failure', async () => {
    let calls = 0;
    await expect(
      callWorkflow(
        async () => {
          calls++;
          throw busy();
        },
        undefined,
        300,
      ),
    ).rejects.toMatchObject({ code: 8 });
    expect(calls).toBeGreaterThan(1);
    calls = 0;
    await expect(
      callWorkflow(async () => {
        calls++;
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(calls).toBe(1);
  });
});
