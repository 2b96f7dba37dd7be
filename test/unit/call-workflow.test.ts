import { isTemporalBusy, isTemporalUnavailable } from '../../src/temporal/client';
import { callWorkflow } from '../../src/temporal/failures';

/** A gRPC RESOURCE_EXHAUSTED as the client reports a workflow with too many updates in flight. */
const busy = () => Object.assign(new Error('8 RESOURCE_EXHAUSTED: too many outstanding updates'), { code: 8, details: 'busy', metadata: {} });

/** The server dropped an admitted update under load (UNAVAILABLE, as the history service words it). */
const aborted = () =>
  Object.assign(new Error('14 UNAVAILABLE: workflow update was aborted'), { code: 14, details: 'workflow update was aborted', metadata: {} });
/** Temporal's frontend cannot be reached at all. */
const down = () => Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14, details: 'No connection established', metadata: {} });

describe('calling a workflow that is busy', () => {
  it('sends an update the server aborted again, as Temporal is up; is not busy when Temporal is down', async () => {
    let calls = 0;
    const answer = await callWorkflow(async () => {
      if (++calls < 3) throw aborted();
      return 'done';
    });
    expect({ answer, calls }).toEqual({ answer: 'done', calls: 3 });
    expect([isTemporalBusy(aborted()), isTemporalUnavailable(aborted())]).toEqual([true, false]);
    expect([isTemporalBusy(down()), isTemporalUnavailable(down())]).toEqual([false, true]);
    calls = 0;
    await expect(
      callWorkflow(async () => {
        calls++;
        throw down();
      }),
    ).rejects.toMatchObject({ code: 14 });
    expect(calls).toBe(1);
  });

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
