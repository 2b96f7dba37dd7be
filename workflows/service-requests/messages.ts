import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AddNoteRequest, ServiceRequestState, SetStatusRequest } from './types';

export const serviceRequestStateQuery = defineQuery<ServiceRequestState>('state');

/** Completes once the request is stored; used with update-with-start. */
export const serviceRequestRecordedUpdate = defineUpdate<ServiceRequestState>('recorded');

/** Appends a note (refused when empty or when the request is closed); the other side is told. */
export const addServiceRequestNoteUpdate = defineUpdate<ServiceRequestState, [AddNoteRequest]>('addNote');

/** Moves the request to another status (refused when it has it already, or is closed: closed is final). */
export const setServiceRequestStatusUpdate = defineUpdate<ServiceRequestState, [SetStatusRequest]>('setStatus');
