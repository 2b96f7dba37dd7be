import { gatheringMs } from '../../workflows/customer-directory/pacing';

describe("the directory writer's gathering time", () => {
  it('is the refresh interval while batches are quick to write', () => {
    expect(gatheringMs(1000, 0)).toBe(1000);
    expect(gatheringMs(1000, 80)).toBe(1000);
  });

  it('grows so that writing takes about a tenth of the time when batches are slow', () => {
    expect(gatheringMs(1000, 300)).toBe(3000);
    expect(gatheringMs(200, 50)).toBe(500);
  });

  it('never exceeds ten refresh intervals', () => {
    expect(gatheringMs(1000, 60_000)).toBe(10_000);
  });
});
