import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { CONFIG, type Config } from '#config';
import { LOGGER } from '#observability';
import { Cluster } from 'ioredis';
import { hashSlot, hashTagsInUse, RedisService, type RedisClient } from '#redis';
import type { Ack, Envelope } from './envelopes.js';
import { clusterKeys } from './cluster-keys.js';
import { HEARTBEAT_MS, REPLICA_DEAD_AFTER_MS, ReplicaBus } from './replica-bus.js';
import { decodeBatch, encodeBatch } from './wire.js';

/**
 * Envelopes for one replica leave at most once per this many ms while traffic flows (at once when it
 * does not): a PUBLISH is a system call on each side, and at a few thousand messages a second the
 * calls, not the messages, were most of a replica's work.
 */
export const BATCH_WINDOW_MS = 1;
/** Lanes kept before those with nothing waiting are let go. */
const MAX_IDLE_LANES = 64;

/**
 * What waits to leave for one replica. The lane lives as long as that replica is talked to, and each
 * batch is a fresh array it lets go of once published, instead of a Map cleared at every flush: a
 * cleared Map's table, once in the old generation, kept pointing at every envelope it had held, and
 * the scavenger, which takes every such pointer for a live one, promoted each envelope and its S2
 * message until the next full collection.
 */
interface Lane {
  readonly replica: string;
  /** Envelopes other than acks, in the order sent. */
  batch: Envelope[];
  acks: Ack[];
}

/**
 * This replica's inbox and its voice to the others: one Redis pub/sub channel per replica (sharded
 * pub/sub on a cluster, SSUBSCRIBE/SPUBLISH: a batch crosses only the shard of its target's inbox,
 * where plain PUBLISH would be copied to every node), plus a heartbeat so that others can tell
 * when it is gone. Envelopes for one replica are batched into one PUBLISH (see BATCH_WINDOW_MS), over a
 * connection of its own that keeps the order in which they were sent.
 */
@Injectable()
export class RedisReplicaBus extends ReplicaBus implements OnModuleInit, OnApplicationShutdown {
  override readonly replicaId: string;
  private readonly publisher: RedisClient;
  private subscriber: RedisClient;
  private readonly logger: Logger;
  private handler: (envelope: Envelope) => void = () => undefined;
  private readonly lanes = new Map<string, Lane>();
  /** Lanes with envelopes for the next flush, and lanes with acks for this microtask round. */
  private flushing: Lane[] = [];
  private acking: Lane[] = [];
  /** null once shut down. */
  private heartbeat?: NodeJS.Timeout | null;
  private flushScheduled = false;
  /** What Redis held when this replica last looked (see clusterKeys.epoch). */
  private epoch?: string;
  private stateLost: () => void = () => undefined;
  private lastFlush = -Infinity;
  /** On a cluster: inboxes on sharded pub/sub. */
  private readonly sharded: boolean;
  /** On a cluster: the primary of every slot at the last heartbeat (see `checkPrimaries`). */
  private primaries?: string[];

  constructor(
    @Inject(CONFIG) config: Config,
    @Inject(LOGGER) logger: Logger,
    private readonly redis: RedisService,
  ) {
    super();
    this.replicaId = `${config.instanceId}-${randomBytes(4).toString('hex')}`;
    this.sharded = hashTagsInUse();
    this.publisher = redis.dedicatedConnection('publisher');
    this.subscriber = redis.dedicatedConnection('inbox', { shardedSubscriber: this.sharded });
    this.logger = logger.child({ component: 'replica-bus', replica: this.replicaId });
  }

  override onMessage(handler: (envelope: Envelope) => void): void {
    this.handler = handler;
  }

  private readonly hear = (_channel: string, text: string): void => {
    let batch: Envelope[];
    try {
      batch = decodeBatch(text);
    } catch {
      this.logger.error('unreadable envelope batch');
      return;
    }
    for (const envelope of batch) this.handler(envelope);
  };

  async onModuleInit(): Promise<void> {
    this.subscriber.on(this.sharded ? 'smessage' : 'message', this.hear);
    // Subscribed whenever the connection becomes ready, and only then: a SUBSCRIBE sent before ioredis
    // finished its ready check puts the connection in subscriber mode, the check fails, and after the
    // reconnection ioredis does not subscribe again, leaving a replica that hears nothing. Redis may be
    // down at start: the replica still starts (readiness says so) and subscribes once it can.
    // On a cluster the heartbeat makes sure the inbox's shard hears it (see `keepListening`).
    if (this.sharded) void this.subscribe();
    else {
      this.subscriber.on('ready', () => void this.subscribe());
      if (this.subscriber.status === 'ready') void this.subscribe();
    }
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    await this.redis.client.zrem(clusterKeys.replicas(), this.replicaId).catch(() => undefined);
  }

  override send(replica: string, envelope: Envelope): void {
    if (replica === this.replicaId) {
      // Same order as a remote delivery would keep, without the round trip.
      queueMicrotask(() => this.handler(envelope));
      return;
    }
    const lane = this.laneOf(replica);
    if (envelope.kind === 'ack') {
      // Within this microtask round, not the next loop turn: between writing a message to its socket
      // and acknowledging it this replica could die, and the sender would answer TEMPORARY_ERROR for a
      // delivered message. The acks of one inbound batch still travel together.
      if (lane.acks.length === 0 && this.acking.push(lane) === 1) queueMicrotask(this.flushAcks);
      lane.acks.push(envelope);
      return;
    }
    // Everything else for one replica goes out as one PUBLISH per BATCH_WINDOW_MS: under load, one
    // Redis command carries many messages, in the order they were sent.
    if (lane.batch.length === 0) this.flushing.push(lane);
    lane.batch.push(envelope);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      const wait = this.lastFlush + BATCH_WINDOW_MS - performance.now();
      if (wait <= 0) setImmediate(this.flush);
      else setTimeout(this.flush, wait);
    }
  }

  private laneOf(replica: string): Lane {
    let lane = this.lanes.get(replica);
    if (lane === undefined) {
      // Replicas come and go (each pod start is a new one): lanes with nothing waiting are let go.
      if (this.lanes.size >= MAX_IDLE_LANES) {
        for (const [name, idle] of this.lanes) {
          if (idle.batch.length === 0 && idle.acks.length === 0) this.lanes.delete(name);
        }
      }
      lane = { replica, batch: [], acks: [] };
      this.lanes.set(replica, lane);
    }
    return lane;
  }

  private readonly flushAcks = (): void => {
    const lanes = this.acking;
    this.acking = [];
    for (const lane of lanes) {
      const ids = [];
      const out: Envelope[] = [];
      for (const ack of lane.acks) {
        if (ack.outcome === 'delivered' && ack.reply === undefined) ids.push(ack.id);
        else out.push(ack);
      }
      lane.acks = [];
      if (ids.length > 0) out.unshift({ kind: 'delivered', ids });
      // What waits for the same replica travels with the acks, in its order, for the same system call.
      if (lane.batch.length > 0) {
        out.push(...lane.batch);
        lane.batch = [];
      }
      this.publish(lane.replica, out);
    }
  };

  private readonly flush = (): void => {
    this.flushScheduled = false;
    this.lastFlush = performance.now();
    const lanes = this.flushing;
    this.flushing = [];
    for (const lane of lanes) {
      // Taken along by the acks meanwhile, if empty.
      if (lane.batch.length === 0) continue;
      this.publish(lane.replica, lane.batch);
      lane.batch = [];
    }
  };

  private publish(replica: string, batch: readonly Envelope[]): void {
    const inbox = clusterKeys.inbox(replica);
    const text = encodeBatch(batch);
    const sent = this.sharded ? this.publisher.spublish(inbox, text) : this.publisher.publish(inbox, text);
    sent.catch((error: unknown) => {
      this.logger.warn({ err: error }, 'publish failed');
    });
  }

  /** Replicas whose heartbeat stopped. */
  override async deadReplicas(now = Date.now()): Promise<string[]> {
    return this.redis.client.zrangebyscore(clusterKeys.replicas(), 0, now - REPLICA_DEAD_AFTER_MS);
  }

  override async isAlive(replica: string, now = Date.now()): Promise<boolean> {
    if (replica === this.replicaId) return true;
    const score = await this.redis.client.zscore(clusterKeys.replicas(), replica);
    return score !== null && Number(score) > now - REPLICA_DEAD_AFTER_MS;
  }

  override async isReachable(replica: string, now = Date.now()): Promise<boolean> {
    if (replica === this.replicaId) return true;
    const [score, listeners] = await Promise.all([
      this.redis.client.zscore(clusterKeys.replicas(), replica),
      this.listeners(clusterKeys.inbox(replica)),
    ]);
    return score !== null && Number(score) > now - REPLICA_DEAD_AFTER_MS && listeners > 0;
  }

  /** How many connections listen on an inbox; on a cluster, asked of the primary of its slot. */
  private async listeners(inbox: string): Promise<number> {
    const { client } = this.redis;
    if (!(client instanceof Cluster)) {
      const [, count] = (await client.pubsub('NUMSUB', inbox)) as [string, number];
      return Number(count);
    }
    const node = primaryOf(client, inbox);
    if (node === undefined) return 0;
    const [, count] = (await node.call('PUBSUB', 'SHARDNUMSUB', inbox)) as [string, number];
    return Number(count);
  }

  override async forget(replica: string): Promise<void> {
    this.lanes.delete(replica);
    await this.redis.client.zrem(clusterKeys.replicas(), replica);
  }

  private async subscribe(): Promise<void> {
    while (this.heartbeat !== null) {
      try {
        const inbox = clusterKeys.inbox(this.replicaId);
        await (this.sharded ? this.subscriber.ssubscribe(inbox) : this.subscriber.subscribe(inbox));
        return;
      } catch (error) {
        this.logger.warn({ err: error }, 'subscribing to the inbox failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  override onStateLost(handler: () => void): void {
    this.stateLost = handler;
  }

  private async beat(): Promise<void> {
    try {
      // Both in one write (auto-pipelining); on a cluster the two keys may be on two shards.
      const [epoch] = await Promise.all([
        this.redis.client.get(clusterKeys.epoch()),
        this.redis.client.zadd(clusterKeys.replicas(), Date.now(), this.replicaId),
      ]);
      if (this.sharded) await this.keepListening();
      await this.checkEpoch(epoch);
    } catch (error) {
      this.logger.warn({ err: error }, 'heartbeat failed');
    }
  }

  /**
   * On a cluster a shard can lose what it held while the rest keeps it: a primary that dies takes the
   * writes it had not yet passed to its replica with it, and a shard restarted empty keeps its slots.
   * The epoch lives on one shard, so a slot whose primary changed counts as state lost too: what this
   * replica holds is registered again (only where nothing newer was), as after an empty restart.
   */
  private checkPrimaries(client: Cluster): void {
    const now = client.slots.map((nodes) => nodes[0] ?? '');
    const before = this.primaries;
    this.primaries = now;
    if (before === undefined || before.length !== now.length) return;
    for (let slot = 0; slot < now.length; slot++) {
      if (before[slot] !== now[slot]) {
        this.logger.warn({ slot, from: before[slot], to: now[slot] }, 'a Redis shard changed its primary');
        this.stateLost();
        return;
      }
    }
  }

  /**
   * On a cluster, at every heartbeat: the map of slots is read again, a shard whose primary changed
   * counts as state lost (`checkPrimaries`), and when the primary of the inbox's slot has no listener
   * on it (a failover moved the slot; ioredis's sharded subscriber was seen to stay on the demoted
   * node), the inbox connection is opened anew, which subscribes on the primary that holds the slot now.
   */
  private async keepListening(): Promise<void> {
    const { client } = this.redis;
    if (!(client instanceof Cluster) || client.status !== 'ready') return;
    // Bounded: a refresh that never calls back must not hold the heartbeat.
    await new Promise<void>((resolve) => {
      setTimeout(resolve, HEARTBEAT_MS).unref();
      client.refreshSlotsCache(() => resolve());
    });
    this.checkPrimaries(client);
    if (this.heartbeat === null || (await this.listeners(clusterKeys.inbox(this.replicaId))) > 0) return;
    this.logger.warn('the inbox has no listener on its shard; subscribing again');
    const deaf = this.subscriber;
    this.subscriber = this.redis.dedicatedConnection('inbox', { shardedSubscriber: true });
    this.subscriber.on('smessage', this.hear);
    await this.redis.closeDedicated(deaf);
    await this.subscribe();
  }

  /** The first heartbeat learns (or names) what Redis holds; a later one that finds it changed says so. */
  private async checkEpoch(seen: string | null): Promise<void> {
    let epoch = seen;
    if (epoch === null) {
      const fresh = randomBytes(8).toString('hex');
      await this.redis.client.set(clusterKeys.epoch(), fresh, 'NX');
      epoch = await this.redis.client.get(clusterKeys.epoch());
    }
    if (epoch === null || epoch === this.epoch) return;
    const lost = this.epoch !== undefined;
    this.epoch = epoch;
    if (lost) {
      this.logger.warn('Redis lost the shared state: registering again what this replica holds');
      this.stateLost();
    }
  }
}

/** The connection to the primary that serves `key`'s slot, as the cluster client last learnt it. */
function primaryOf(cluster: Cluster, key: string): ReturnType<Cluster['nodes']>[number] | undefined {
  const primary = cluster.slots[hashSlot(key)]?.[0];
  return cluster.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === primary);
}
