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
