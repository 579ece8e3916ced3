// What the webhook repositories hand out: plain objects, never Prisma's types.

/** An endpoint as the tenant API shows it: never with its secret. */
export interface WebhookEndpointRecord {
  id: string;
  tenantId: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewWebhookEndpoint {
  id: string;
  tenantId: string;
  url: string;
  eventTypes: string[];
  /** Key material for signing, in clear: the repository stores it encrypted. Never logged. */
  secret: string;
  description: string | null;
}

export interface WebhookEndpointChanges {
  url?: string | undefined;
  eventTypes?: string[] | undefined;
  enabled?: boolean | undefined;
  description?: string | null | undefined;
}

export interface DeadLetterRecord {
  id: string;
  eventId: string;
  eventType: string;
  payload: unknown;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  deadAt: Date;
}

/** The first pending delivery of a lane, with what sending it needs. */
export interface LaneHead {
  id: string;
  tenantId: string;
  laneId: string;
  rmNodeId: string;
  seq: number;
  attempts: number;
  body: string;
  endpoint: { id: string; url: string; secret: string; enabled: boolean };
}

/** One event of the stream, as the worker records it. */
export interface StreamEvent {
  /** The stream entry id: the event's identity. */
  entryId: string;
  tenantId: string;
  rmNodeId: string;
  type: string;
  /** Builds the body for the delivery id the repository draws. */
  payload: (deliveryId: string) => unknown;
}

export interface TryOutcome {
  attempts: number;
  status: number | null;
  error: string | null;
  at: Date;
}
