import type { HistoryPolicy } from '#inspection';

// What routing needs from outside the cluster layer, as small classes the module binds to the real
// services and tests to fakes.

/** The pairings in PostgreSQL, as routing reads them: never per message. */
export abstract class PairingLookup {
  /** The RM's descriptions, for `session.opened`. */
  abstract descriptions(
    pairingId: string,
  ): Promise<{ rmNodeDescription: unknown; rmEndpointDescription: unknown } | undefined>;
  /** The tenant's pairing of an RM that has no session, to answer a CEM message for it. */
  abstract findInTenant(tenantId: string, rmNodeId: string): Promise<{ cemNodeId: string } | undefined>;
}

export interface SessionRef {
  readonly tenantId: string;
  readonly cemNodeId: string;
  readonly sessionId: string;
}

/** Session lifecycle events for webhooks; never awaited, never throws. */
export abstract class SessionEventSink {
  abstract opened(rmNodeId: string, session: SessionRef & { readonly s2Version: string }): void;
  abstract closed(rmNodeId: string, session: SessionRef, reason: string): void;
}

/**
 * The message inspector's tap and the tenant's message history, as routing feeds them: `observes` is
 * asked at each verdict and must cost nothing for an RM nobody watches and no history keeps; only then
 * is the entry (an InspectedMessage's JSON) made and given to `record`.
 */
export abstract class MessageObserver {
  abstract observes(rmNodeId: string, history: HistoryPolicy | null): boolean;
  abstract record(rmNodeId: string, history: HistoryPolicy | null, entry: string): void;
  /** Drops what was gathered of these RMs and removes their history. */
  abstract forget(rmNodeIds: readonly string[]): void;
}
