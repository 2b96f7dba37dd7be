/** The baseline's only activity: returns at once. */
export function createBaselineActivities() {
  return {
    async nothing(): Promise<void> {},
  };
}

export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
