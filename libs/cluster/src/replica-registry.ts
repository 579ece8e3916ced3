import { Injectable } from '@nestjs/common';
import { RedisService } from '#redis';
import { clusterKeys } from './cluster-keys.js';
import { REPLICA_DEAD_AFTER_MS } from './replica-bus.js';

/** A gateway replica as the operator sees it. */
export interface ReplicaSummary {
  id: string;
  /** RM sessions whose socket it holds. */
  sessions: number;
  cemChannels: number;
  draining: boolean;
  /** Its last heartbeat. */
  lastSeenAt: Date;
  /** Whether that heartbeat is recent enough for the replica to count as alive. */
  alive: boolean;
}

/** How long a draining replica's mark lasts: longer than any drain, shorter than forever. */
const DRAINING_MARK_MS = 120_000;

/** Reads what the gateway replicas register in Redis (their heartbeats, sockets and drains); off the hot path. */
@Injectable()
export class ReplicaRegistry {
  constructor(private readonly redis: RedisService) {}

  async replicas(now = Date.now()): Promise<ReplicaSummary[]> {
    const flat = await this.redis.client.zrange(clusterKeys.replicas(), 0, -1, 'WITHSCORES');
    const beats: [string, number][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) beats.push([flat[i] ?? '', Number(flat[i + 1])]);
    if (beats.length === 0) return [];
    // Plain commands, one write per server (auto-pipelining): on a cluster these keys are on all shards.
    const { client } = this.redis;
    const answers = await Promise.all(
      beats.flatMap(([id]) => [
        client.scard(clusterKeys.replicaRms(id)),
        client.scard(clusterKeys.replicaChannels(id)),
        client.exists(clusterKeys.replicaDraining(id)),
      ]),
    );
    return beats.map(([id, beat], index) => ({
      id,
      sessions: answers[index * 3] ?? 0,
      cemChannels: answers[index * 3 + 1] ?? 0,
      draining: answers[index * 3 + 2] === 1,
      lastSeenAt: new Date(beat),
      alive: beat > now - REPLICA_DEAD_AFTER_MS,
    }));
  }

  /** Live RM sessions of each tenant, wherever their sockets are. */
  async liveSessions(tenantIds: readonly string[]): Promise<Map<string, number>> {
    if (tenantIds.length === 0) return new Map();
    const answers = await Promise.all(tenantIds.map((id) => this.redis.client.scard(clusterKeys.tenantSessions(id))));
    return new Map(tenantIds.map((id, index) => [id, answers[index] ?? 0]));
  }

  /** Called by a replica when it starts draining. */
  async markDraining(replica: string): Promise<void> {
    await this.redis.client.set(clusterKeys.replicaDraining(replica), '1', 'PX', DRAINING_MARK_MS);
  }
}
