/** What every replica can learn about an RM's live session. */
export interface RmEntry {
  readonly sessionId: string;
  readonly replica: string;
  readonly tenantId: string;
  readonly cemNodeId: string;
  readonly pairingId: string;
  readonly s2Version: string;
  readonly connectedAt: string;
  /** The CEM channel the session is bound to, '' for none. */
  readonly channelId: string;
  readonly channelReplica: string;
  /** The session state (JSON of SessionState). */
  readonly state: string;
  /**
   * `{"rmNodeDescription":..,"rmEndpointDescription":..}` as the RM's upgrade read them, for the channel's
   * replica to write into session.opened without asking PostgreSQL; absent in an entry restored after
   * the shared state was lost (the channel's replica then asks).
   */
  readonly descriptions?: string;
}

export interface ChannelEntry {
  readonly channelId: string;
  readonly replica: string;
  /** null: every CEM node of the tenant. */
  readonly cemNodeIds: readonly string[] | null;
}

/** An RM's snapshot as saved: message_type -> its last message (JSON text), and the state (JSON). */
export interface SavedSession {
  readonly snapshot: Record<string, string>;
  readonly state: string | undefined;
}

/**
 * Where every live RM session and CEM channel is, shared by all replicas: one entry per RM (its
 * session, the replica holding its socket, the channel it is bound to, its state), sets per tenant and
 * per replica, and each session's snapshot. Written by the replica that holds the socket (and by the
 * reaper for a dead one), read by any. `RedisSessionDirectory` runs the broker;
 * `InMemorySessionDirectory` its tests.
 */
export abstract class SessionDirectory {
  /** Registers a new session of an RM; returns the session it replaces, if any. */
  abstract register(rmNodeId: string, entry: RmEntry): Promise<RmEntry | undefined>;
  /**
   * Registers a live session again after the shared state was lost, unless the RM has an entry already
   * (a newer session of it registered meanwhile); whether it did.
   */
  abstract restore(rmNodeId: string, entry: RmEntry): Promise<boolean>;
  /** Removes the entry if it is still this session's; whether it did. */
  abstract remove(rmNodeId: string, entry: Pick<RmEntry, 'sessionId' | 'tenantId' | 'replica'>): Promise<boolean>;
  abstract get(rmNodeId: string): Promise<RmEntry | undefined>;
  abstract getMany(rmNodeIds: readonly string[]): Promise<Map<string, RmEntry>>;
  /** Binds the session to a channel ('' for none) if it is still this session, bound to `expectedChannelId`. */
  abstract bind(
    rmNodeId: string,
    sessionId: string,
    expectedChannelId: string,
    channelId: string,
    channelReplica: string,
  ): Promise<boolean>;
  abstract tenantSessions(tenantId: string): Promise<string[]>;
  /** How many live sessions the tenant has, and whether the RM holds one of them. */
  abstract tenantLoad(tenantId: string, rmNodeId: string): Promise<{ live: number; alreadyLive: boolean }>;
  abstract replicaRms(replica: string): Promise<string[]>;
  /**
   * Records an RM message for the snapshot (and the state, when it changed). May be written behind:
   * whoever needs it current asks `saveNow` first.
   */
  abstract recordFromRm(
    rmNodeId: string,
    sessionId: string,
    messageType: string,
    message: string,
    state: string | undefined,
  ): void;
  /** The session state changed by a CEM message; saved with the snapshot. */
  abstract recordState(rmNodeId: string, sessionId: string, state: string): void;
  /** Writes what is unsaved of one session now. */
  abstract saveNow(sessionId: string): Promise<void>;
  abstract savedSession(rmNodeId: string, sessionId: string): Promise<SavedSession>;
  abstract addChannel(tenantId: string, channel: ChannelEntry): Promise<void>;
  abstract removeChannel(tenantId: string, channelId: string, replica: string): Promise<void>;
  abstract channels(tenantId: string): Promise<ChannelEntry[]>;
  /** `[tenantId, channelId]` of the channels a replica held. */
  abstract replicaChannels(replica: string): Promise<[string, string][]>;
  abstract forgetReplica(replica: string): Promise<void>;
}
