import type { Envelope } from './envelopes.js';

export const HEARTBEAT_MS = 2_000;
/** A replica whose heartbeat is older than this is dead: its sessions and channels are reaped. */
export const REPLICA_DEAD_AFTER_MS = 6_000;

/**
 * How the gateway replicas talk: each has an inbox, a name (`replicaId`) and a heartbeat. Envelopes sent
 * by one replica to another arrive in the order they were sent; an envelope for a replica that is gone is
 * lost, which the senders' acknowledgements and questions (see the gateway's delivery) make up for.
 * `RedisReplicaBus` runs the broker; `InMemoryReplicaBus` runs several replicas in one process for tests.
 */
export abstract class ReplicaBus {
  /** Unique per process start: a restarted pod is a new replica, and its old life can be reaped. */
  abstract readonly replicaId: string;
  /** The one receiver of this replica's inbox. */
  abstract onMessage(handler: (envelope: Envelope) => void): void;
  abstract send(replica: string, envelope: Envelope): void;
  /** Whether the replica's heartbeat is fresh. */
  abstract isAlive(replica: string): Promise<boolean>;
  /**
   * Whether the replica can hear its inbox now: alive, and its inbox has a listener. A replica killed a
   * moment ago loses its listener at once (its connection to the bus closes) while its heartbeat still
   * looks fresh for seconds: this is what a channel that connects, or a sender waiting for an answer,
   * asks, so that nothing waits for a replica that is gone.
   */
  abstract isReachable(replica: string): Promise<boolean>;
  /** Replicas whose heartbeat stopped, for the reaper. */
  abstract deadReplicas(): Promise<string[]>;
  /** A reaped replica is forgotten. */
  abstract forget(replica: string): Promise<void>;
  /**
   * Called when the shared state was lost (Redis came back empty): the replica must register again what
   * it holds. Noticed within a heartbeat.
   */
  abstract onStateLost(handler: () => void): void;
}
