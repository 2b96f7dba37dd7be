// Every workflow the worker runs. The worker bundles this file; the API imports
// the functions only for their names and types.
export { trialInvitationWorkflow } from './invitations/workflow';
export { onboardingWorkflow } from './onboarding/workflow';
export { customerDirectoryWorkflow } from './customer-directory/workflow';
export { offerWorkflow } from './offers/workflow';
export { subscriptionWorkflow } from './subscriptions/workflow';
export { delegatedAdminWorkflow } from './delegated-admin/workflow';
export { serviceRequestWorkflow } from './service-requests/workflow';
export { cleanupWorkflow } from './maintenance/workflow';
export { keyRegistrationWorkflow } from './product-keys/workflow';
export { keyRedemptionWorkflow } from './product-keys/redemption';
export { webhookDeliveryWorkflow } from './webhooks/workflow';
