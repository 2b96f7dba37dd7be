/** One entity workflow per paid subscription, for its whole life. */
export const subscriptionWorkflowId = (subscriptionId: string): string => `subscription:${subscriptionId}`;
