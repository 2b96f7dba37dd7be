/** The one writer of a partner's customer directory. */
export const customerDirectoryWorkflowId = (partnerId: string): string => `customer-directory:${partnerId}`;
