/** The one task queue offerflow's workers poll (TEMPORAL_TASK_QUEUE overrides it, e.g. per test file). */
export const TASK_QUEUE = 'offerflow';
