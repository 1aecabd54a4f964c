/**
 * The failure that names inbound messages the database can never store. Shared by the activity
 * that raises it and the workflow that records those messages and goes on with the rest.
 */
export const INBOUND_REJECTED = 'InboundRejected';

export interface InboundRejection {
  rejectedMessageIds: string[];
}

/** The rejected ids carried in the failure's details, or undefined for any other failure. */
export function rejectedMessageIds(failure: { type?: string | null; details?: unknown[] | null }): string[] | undefined {
  if (failure.type !== INBOUND_REJECTED) return undefined;
  const ids = (failure.details?.[0] as Partial<InboundRejection> | undefined)?.rejectedMessageIds;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}
