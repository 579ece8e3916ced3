import type { Logger } from 'pino';
import type { ReplicaBus, SessionDirectory } from '#cluster';
import type { Metrics } from '#observability';
import type { Interner } from './interner.js';
import type { LocalHub } from './local-hub.js';
import type { PendingOutcomes } from './outcomes.js';
import type { MessageObserver, PairingLookup, SessionEventSink } from './ports.js';

/** What placement and delivery share: one of each per replica, made by the GatewayNode. */
export interface RoutingContext {
  readonly bus: ReplicaBus;
  readonly directory: SessionDirectory;
  readonly hub: LocalHub;
  readonly pairings: PairingLookup;
  readonly sessionEvents: SessionEventSink;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Envelopes this replica sent that await another replica's answer. */
  readonly outcomes: PendingOutcomes;
  readonly names: Interner;
  readonly observer: MessageObserver;
}
