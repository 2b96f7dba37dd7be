/** Workflow id of a trial invitation: one workflow per invitation, for its whole life. */
export const invitationWorkflowId = (invitationId: string): string => `invitation:${invitationId}`;
