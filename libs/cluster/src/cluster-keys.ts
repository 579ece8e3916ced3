import { KEY_PREFIX, slotKey } from '#redis';

/**
 * On a cluster, what one script touches shares a hash slot: an RM's entry and its sessions' snapshots
 * are tagged by the RM (`s2b:{rm:<id>}`), so that they spread over the shards with the RMs. The sets
 * by tenant and by replica are single keys, written beside the script (see RedisSessionDirectory).
 */
export const clusterKeys = {
  /** Hash: the live session of an RM, wherever its socket is. */
  rm: (rmNodeId: string) => slotKey(`rm:${rmNodeId}`),
  /** Hash: message_type -> last message of that type from the RM. */
  snapshot: (rmNodeId: string, sessionId: string) => slotKey(`rm:${rmNodeId}`, `snapshot:${sessionId}`),
  /** Set: the RM node ids of a tenant with a live session. */
  tenantSessions: (tenantId: string) => `${KEY_PREFIX}tenant-sessions:${tenantId}`,
  /** Hash: channelId -> {replica, cemNodeIds} of a tenant's open CEM channels. */
  tenantChannels: (tenantId: string) => `${KEY_PREFIX}tenant-channels:${tenantId}`,
  /** Sorted set: replica -> last heartbeat (ms). */
  replicas: () => `${KEY_PREFIX}replicas`,
  /** Set: the RM node ids whose socket a replica holds. */
  replicaRms: (replica: string) => `${KEY_PREFIX}replica-rms:${replica}`,
  /** Set: `tenantId channelId` of the CEM channels a replica holds. */
  replicaChannels: (replica: string) => `${KEY_PREFIX}replica-channels:${replica}`,
  /** Pub/sub channel (sharded on a cluster: it lives on the shard of its own slot only). */
  inbox: (replica: string) => `${KEY_PREFIX}inbox:${replica}`,
  /** String with a TTL: set while a replica drains, for the operator's view of the replicas. */
  replicaDraining: (replica: string) => `${KEY_PREFIX}replica-draining:${replica}`,
  /**
   * String: a random name for what Redis holds now, set by the first replica that finds none. When it is
   * gone or different, Redis lost its data (a restart without persistence, a failover to an empty
   * replica) and every replica registers again what it holds.
   */
  epoch: () => `${KEY_PREFIX}epoch`,
  reaperLock: (replica: string) => `${KEY_PREFIX}reaper:${replica}`,
} as const;
