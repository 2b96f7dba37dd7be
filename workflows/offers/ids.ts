/** One workflow per purchase offer and customer. */
export const offerWorkflowId = (offerId: string, customerId: string): string => `offer:${offerId}:${customerId}`;
