import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  AcceptInvitationRequest,
  AcceptInvitationResult,
  DeclineInvitationRequest,
  InvitationState,
  InviteRecipientsRequest,
  RevokeInvitationRequest,
} from './types';

/** The invitation's current state. */
export const invitationStateQuery = defineQuery<InvitationState>('state');

/** Completes once the invitation is stored; used with update-with-start so creation answers with stored state. */
export const invitationRecordedUpdate = defineUpdate<InvitationState>('recorded');

/** Revokes an active invitation (refused with InvitationNotActive otherwise). */
export const revokeInvitationUpdate = defineUpdate<InvitationState, [RevokeInvitationRequest]>('revoke');

/** Someone who opened the link says no (counted; refused unless the invitation is active). */
export const declineInvitationUpdate = defineUpdate<InvitationState, [DeclineInvitationRequest]>('decline');

/** A customer accepts: the tenant is registered and its onboarding started (refused unless the invitation is active). */
export const acceptInvitationUpdate = defineUpdate<AcceptInvitationResult, [AcceptInvitationRequest]>('accept');

/** E-mails the link to recipients (refused unless the invitation is active). */
export const inviteRecipientsUpdate = defineUpdate<InvitationState, [InviteRecipientsRequest]>('invite');
