/** One workflow per delegated-admin relationship. */
export const delegatedAdminWorkflowId = (relationshipId: string): string => `delegated-admin:${relationshipId}`;
