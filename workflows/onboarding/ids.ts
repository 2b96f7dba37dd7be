/** One onboarding per partner and customer. */
export const onboardingWorkflowId = (partnerId: string, customerId: string): string => `onboarding:${partnerId}:${customerId}`;
