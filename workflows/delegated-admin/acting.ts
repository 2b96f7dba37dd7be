import type { RequestedBy } from '../audit';
import type { ServiceRequestOpening, ServiceRequestStatus } from '../service-requests/types';
import type { DelegatedAdminRole } from './types';

/** The roles a customer user may hold in its tenant; any but `user` is an admin. */
export const CUSTOMER_USER_ROLES = ['user', 'global-admin', 'user-admin', 'password-admin', 'billing-admin', 'service-admin'] as const;
export type CustomerUserRole = (typeof CUSTOMER_USER_ROLES)[number];

/**
 * What a partner user does in a customer under delegated administration. The
 * relationship's workflow runs each one (its activity `actInCustomer`), so none
 * lands after the relationship has ended.
 */
export type CustomerAction =
  | { kind: 'create-user'; userId: string; email: string; displayName: string; role: CustomerUserRole; skus: string[] }
  | { kind: 'update-user'; userId: string; displayName?: string; role?: CustomerUserRole; skus?: string[] }
  | { kind: 'remove-user'; userId: string }
  /** The one-time password's slow hash only: the password itself never reaches a workflow. */
  | { kind: 'reset-password'; userId: string; passwordHash: string }
  | { kind: 'change-licenses'; subscriptionId: string; licenses: number; updateId?: string }
  | { kind: 'set-renewal'; subscriptionId: string; autoRenew: boolean; updateId?: string }
  | ({ kind: 'open-service-request' } & ServiceRequestOpening)
  | { kind: 'note-service-request'; serviceRequestId: string; text: string; updateId?: string }
  | { kind: 'set-service-request-status'; serviceRequestId: string; status: ServiceRequestStatus; updateId?: string };

export type CustomerActionKind = CustomerAction['kind'];

/** The least role each action needs: limited (password admin) resets passwords, and only of users who are not admins. */
export const ROLE_NEEDED: Record<CustomerActionKind, DelegatedAdminRole> = {
  'create-user': 'full',
  'update-user': 'full',
  'remove-user': 'full',
  'reset-password': 'limited',
  'change-licenses': 'full',
  'set-renewal': 'full',
  'open-service-request': 'full',
  'note-service-request': 'full',
  'set-service-request-status': 'full',
};

const RANK: Record<DelegatedAdminRole | 'none', number> = { none: 0, limited: 1, full: 2 };

/** The role a partner user acts with in the customer: its own customer role, no more than the relationship grants. */
export function effectiveRole(userRole: DelegatedAdminRole | 'none', relationshipRole: DelegatedAdminRole | undefined): DelegatedAdminRole | 'none' {
  const granted = relationshipRole ?? 'full';
  return RANK[userRole] <= RANK[granted] ? userRole : granted;
}

export const roleCovers = (role: DelegatedAdminRole | 'none', needed: DelegatedAdminRole): boolean => RANK[role] >= RANK[needed];

/** A partner user's request to act in the customer. */
export interface ActRequest {
  action: CustomerAction;
  /** The partner user, and its own customer role as the API read it with the request. */
  userId: string;
  userRole: DelegatedAdminRole | 'none';
  requested?: RequestedBy;
}

/** What the relationship's workflow hands its activity: the action with who, under which relationship and role. */
export interface ActInCustomerInput {
  action: CustomerAction;
  partnerId: string;
  customerId: string;
  relationshipId: string;
  role: DelegatedAdminRole;
  userId: string;
  requested?: RequestedBy;
  /** This act's key (relationship and update): its audit entry's, the same on every retry. */
  key: string;
  /** Workflow time of the act. */
  at: string;
}

/** What was done: the customer user or subscription it changed. */
export interface ActResult {
  kind: CustomerActionKind;
  targetId: string;
}
