import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Read-only views of records other domains own, for the customer summary
 * (GET /v1/customers/{customerId}/summary).
 *
 * PLACEHOLDER: service requests are being built apart (their workflow writes
 * collection `service_requests`). Until their model exists this declares only
 * the fields the summary reads; once `src/service-requests/model.ts` (or whatever
 * it is called) is registered in createModels, delete this file and read through
 * that model instead. If a model named `ServiceRequest` is already registered on
 * the connection, it is used as it is.
 */
export interface ServiceRequestView {
  _id: string;
  partnerId: string;
  customerId: string;
  status: 'open' | 'attention-needed' | 'closed';
  severity: 'critical' | 'moderate' | 'minimal';
}

const serviceRequestViewSchema = new Schema<ServiceRequestView>(
  {
    _id: { type: String, required: true },
    partnerId: { type: String, required: true },
    customerId: { type: String, required: true },
    status: { type: String, required: true },
    severity: { type: String, required: true },
  },
  // read only: never written through this view, and tolerant of the owner's other fields
  { collection: 'service_requests', versionKey: false, strict: false, autoIndex: false, autoCreate: false },
);

export function serviceRequestsOf(connection: Connection): Model<ServiceRequestView> {
  return (
    (connection.models.ServiceRequest as Model<ServiceRequestView> | undefined) ??
    connection.model<ServiceRequestView>('ServiceRequest', serviceRequestViewSchema)
  );
}
