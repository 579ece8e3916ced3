import { type ChannelEntry, type RmEntry, type SavedSession, SessionDirectory } from './session-directory.js';

const setOf = <K, V>(map: Map<K, Set<V>>, key: K): Set<V> => {
  let set = map.get(key);
  if (set === undefined) map.set(key, (set = new Set()));
  return set;
};

/**
 * The session directory in one process, for tests of routing across replicas: the same answers as
 * `RedisSessionDirectory` (the contract spec runs against both), each a turn of the event loop later, as
 * a Redis round trip would be; writes take effect at once.
 */
export class InMemorySessionDirectory extends SessionDirectory {
  private readonly rms = new Map<string, RmEntry>();
  private readonly snapshots = new Map<string, Map<string, string>>();
  private readonly tenants = new Map<string, Set<string>>();
  private readonly replicas = new Map<string, Set<string>>();
  private readonly tenantChannels = new Map<string, Map<string, ChannelEntry>>();
  private readonly replicaChannelSets = new Map<string, Set<string>>();

  override async register(rmNodeId: string, entry: RmEntry): Promise<RmEntry | undefined> {
    await tick();
    const previous = this.rms.get(rmNodeId);
    this.rms.set(rmNodeId, { ...entry });
    setOf(this.tenants, entry.tenantId).add(rmNodeId);
    setOf(this.replicas, entry.replica).add(rmNodeId);
    if (previous && previous.replica !== entry.replica) this.replicas.get(previous.replica)?.delete(rmNodeId);
    return previous;
  }

  override async restore(rmNodeId: string, entry: RmEntry): Promise<boolean> {
    if (this.rms.has(rmNodeId)) {
      await tick();
      return false;
    }
    await this.register(rmNodeId, entry);
    return true;
  }

  /** Everything is gone, as when Redis restarts empty. */
  wipe(): void {
    for (const map of [this.rms, this.snapshots, this.tenants, this.replicas, this.tenantChannels]) map.clear();
    this.replicaChannelSets.clear();
  }

  override async remove(
    rmNodeId: string,
    entry: Pick<RmEntry, 'sessionId' | 'tenantId' | 'replica'>,
  ): Promise<boolean> {
    await tick();
    if (this.rms.get(rmNodeId)?.sessionId !== entry.sessionId) return false;
    this.rms.delete(rmNodeId);
    this.tenants.get(entry.tenantId)?.delete(rmNodeId);
    this.replicas.get(entry.replica)?.delete(rmNodeId);
    this.snapshots.delete(entry.sessionId);
    return true;
  }

  override async get(rmNodeId: string): Promise<RmEntry | undefined> {
    await tick();
    const entry = this.rms.get(rmNodeId);
    return entry && { ...entry };
  }

  override async getMany(rmNodeIds: readonly string[]): Promise<Map<string, RmEntry>> {
    await tick();
    const out = new Map<string, RmEntry>();
    for (const id of rmNodeIds) {
      const entry = this.rms.get(id);
      if (entry) out.set(id, { ...entry });
    }
    return out;
  }

  override async bind(
    rmNodeId: string,
    sessionId: string,
    expectedChannelId: string,
    channelId: string,
    channelReplica: string,
  ): Promise<boolean> {
    await tick();
    const entry = this.rms.get(rmNodeId);
    if (entry?.sessionId !== sessionId || entry.channelId !== expectedChannelId) return false;
    this.rms.set(rmNodeId, { ...entry, channelId, channelReplica });
    return true;
  }

  override async tenantSessions(tenantId: string): Promise<string[]> {
    await tick();
    return [...(this.tenants.get(tenantId) ?? [])];
  }

  override async tenantLoad(tenantId: string, rmNodeId: string): Promise<{ live: number; alreadyLive: boolean }> {
    await tick();
    const sessions = this.tenants.get(tenantId);
    return { live: sessions?.size ?? 0, alreadyLive: sessions?.has(rmNodeId) === true };
  }

  override async replicaRms(replica: string): Promise<string[]> {
    await tick();
    return [...(this.replicas.get(replica) ?? [])];
  }

  override recordFromRm(
    rmNodeId: string,
    sessionId: string,
    messageType: string,
    message: string,
    state: string | undefined,
  ): void {
    const entry = this.rms.get(rmNodeId);
    if (entry?.sessionId !== sessionId) return;
    setOfMap(this.snapshots, sessionId).set(messageType, message);
    if (state !== undefined) this.rms.set(rmNodeId, { ...entry, state });
  }

  override recordState(rmNodeId: string, sessionId: string, state: string): void {
    const entry = this.rms.get(rmNodeId);
    if (entry?.sessionId === sessionId) this.rms.set(rmNodeId, { ...entry, state });
  }

  override async saveNow(): Promise<void> {
    await tick();
  }

  override async savedSession(rmNodeId: string, sessionId: string): Promise<SavedSession> {
    await tick();
    return {
      snapshot: Object.fromEntries(this.snapshots.get(sessionId) ?? []),
      state: this.rms.get(rmNodeId)?.state,
    };
  }

  override async addChannel(tenantId: string, channel: ChannelEntry): Promise<void> {
    await tick();
    setOfMap(this.tenantChannels, tenantId).set(channel.channelId, { ...channel });
    setOf(this.replicaChannelSets, channel.replica).add(`${tenantId} ${channel.channelId}`);
  }

  override async removeChannel(tenantId: string, channelId: string, replica: string): Promise<void> {
    await tick();
    this.tenantChannels.get(tenantId)?.delete(channelId);
    this.replicaChannelSets.get(replica)?.delete(`${tenantId} ${channelId}`);
  }

  override async channels(tenantId: string): Promise<ChannelEntry[]> {
    await tick();
    return [...(this.tenantChannels.get(tenantId)?.values() ?? [])].map((c) => ({ ...c }));
  }

  override async replicaChannels(replica: string): Promise<[string, string][]> {
    await tick();
    return [...(this.replicaChannelSets.get(replica) ?? [])].map((m) => m.split(' ') as [string, string]);
  }

  override async forgetReplica(replica: string): Promise<void> {
    await tick();
    this.replicas.delete(replica);
    this.replicaChannelSets.delete(replica);
  }
}

function setOfMap<K, K2, V>(map: Map<K, Map<K2, V>>, key: K): Map<K2, V> {
  let inner = map.get(key);
  if (inner === undefined) map.set(key, (inner = new Map()));
  return inner;
}

/** A Redis round trip's worth of waiting: other work gets its turn, as it would. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
