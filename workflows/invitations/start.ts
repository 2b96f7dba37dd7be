import { LifecycleStage, PartnerId } from '../search-attributes';
import { Stage } from '../stages';
import type { StartOptions } from '../start-options';
import type { TrialInvitationInput } from './types';

/** Workflow id of a trial invitation: one workflow per invitation, for its whole life. */
export const invitationWorkflowId = (invitationId: string): string => `invitation:${invitationId}`;

/** The invitation's workflow, started by the API when the partner creates it. */
export function invitationStart(input: TrialInvitationInput): StartOptions<[TrialInvitationInput]> {
  return {
    workflowId: invitationWorkflowId(input.invitationId),
    args: [input],
    typedSearchAttributes: [
      { key: PartnerId, value: input.partnerId },
      { key: LifecycleStage, value: Stage.InvitationActive },
    ],
  };
}
