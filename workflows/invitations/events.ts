import type { RegisteredCustomer } from '../../activities/customers/activities';
import type { LifecycleEvent } from '../events/types';
import type { AcceptInvitationRequest, InvitationState } from './types';

/** A customer accepted the invitation and its trial began. */
export const invitationAccepted = (
  state: InvitationState,
  customer: RegisteredCustomer,
  { subscriptionId, delegatedAdmin }: Pick<AcceptInvitationRequest, 'subscriptionId' | 'delegatedAdmin'>,
): LifecycleEvent => ({
  type: 'invitation.accepted',
  partnerId: state.partnerId,
  customerId: customer.customerId,
  subject: { kind: 'invitation', id: state.invitationId },
  data: {
    invitationId: state.invitationId,
    customerId: customer.customerId,
    customerName: customer.name,
    customerDomain: customer.domain,
    newCustomer: customer.created,
    sku: state.sku,
    subscriptionId,
    licenses: state.trial.licenses,
    ...(state.delegatedAdmin && delegatedAdmin ? { delegatedAdmin: { relationshipId: delegatedAdmin.relationshipId, agreed: delegatedAdmin.agreed } } : {}),
  },
});
