import type { LifecycleEvent } from '../events/types';
import type { RelationshipState } from './types';

/** Why a relationship that was open ended (a customer's decline or a lapsed request is not published). */
export type EndReason = 'expired' | 'terminated-by-customer' | 'terminated-by-partner';

/** An event of a delegated-admin relationship: what the partner's users may do in the customer, and until when. */
export const relationshipEvent = (
  type: 'delegated-admin.accepted' | 'delegated-admin.ended',
  state: RelationshipState,
  more: { reason?: EndReason; previousStatus?: string } = {},
): LifecycleEvent => ({
  type,
  partnerId: state.partnerId,
  customerId: state.customerId,
  subject: { kind: 'relationship', id: state.relationshipId },
  data: {
    relationshipId: state.relationshipId,
    customerId: state.customerId,
    status: state.status,
    role: state.role ?? 'full',
    acceptedAt: state.acceptedAt,
    endsAt: state.endsAt,
    autoExtend: state.autoExtend,
    endedAt: state.endedAt,
    ...more,
  },
});
