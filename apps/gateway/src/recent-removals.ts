import { Injectable } from '@nestjs/common';

/** How a session that a removal caught while it was being opened is closed. */
export interface RemovalClose {
  readonly code: number;
  readonly reason: string;
}

/** Long past any upgrade's look-up, short enough that the map stays small. */
const KEEP_MS = 60_000;

/**
 * Removals this replica heard of lately (an RM unpaired from a CEM node, a tenant suspended or
 * deleted), with when it heard of them. An RM upgrade looks its pairing up, then registers the
 * session; an event that arrives in between finds no session to close. The upgrade asks here once
 * the session is registered, instead of asking the database a second time: events reach each replica
 * in order, so a removal committed after the look-up is either heard after the registration (and
 * closes the session itself) or noted here with a later time.
 */
@Injectable()
export class RecentRemovals {
  private readonly heard = new Map<string, { at: number; close: RemovalClose }>();
  private sweptAt = 0;

  /** Replaceable in unit tests. */
  now: () => number = Date.now;

  pairing(rmNodeId: string, cemNodeId: string, close: RemovalClose): void {
    this.note(`rm ${rmNodeId} ${cemNodeId}`, close);
  }

  tenant(tenantId: string, close: RemovalClose): void {
    this.note(`tenant ${tenantId}`, close);
  }

  /** The close for a session looked up at `lookedUpAt` that a removal heard since then ends, if any. */
  since(
    lookedUpAt: number,
    session: { tenantId: string; rmNodeId: string; cemNodeId: string },
  ): RemovalClose | undefined {
    if (this.heard.size === 0) return undefined;
    for (const key of [`rm ${session.rmNodeId} ${session.cemNodeId}`, `tenant ${session.tenantId}`]) {
      const entry = this.heard.get(key);
      if (entry && entry.at >= lookedUpAt) return entry.close;
    }
    return undefined;
  }

  private note(key: string, close: RemovalClose): void {
    const now = this.now();
    this.heard.delete(key);
    this.heard.set(key, { at: now, close });
    if (now - this.sweptAt < KEEP_MS) return;
    this.sweptAt = now;
    // Insertion order is the order heard: the oldest come first.
    for (const [k, entry] of this.heard) {
      if (now - entry.at < KEEP_MS) break;
      this.heard.delete(k);
    }
  }
}
