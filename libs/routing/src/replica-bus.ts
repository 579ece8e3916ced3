import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { CONFIG, type Config } from '../../config/src/index.js';
import { LOGGER } from '../../observability/src/index.js';
import { RedisService } from '../../redis/src/redis.service.js';
import type { Ack, Envelope } from './envelopes.js';
import { routingKeys } from './routing-keys.js';
import { decodeBatch, encodeBatch } from './wire.js';

export const HEARTBEAT_MS = 2_000;
/** A replica whose heartbeat is older than this is dead: its sessions and channels are reaped. */
export const REPLICA_DEAD_AFTER_MS = 6_000;
/**
 * Envelopes for one replica leave at most once per this many ms while traffic flows (at once when it
 * does not): a PUBLISH is a system call on each side, and at a few thousand messages a second the
 * calls, not the messages, were most of a replica's work.
 */
export const BATCH_WINDOW_MS = 1;

/**
 * This replica's inbox and its voice to the others: one Redis pub/sub channel per replica (Redis 7
 * sharded pub/sub would take the same names on a cluster), plus a heartbeat so that others can tell
 * when it is gone. Envelopes for one replica are batched into one PUBLISH (see BATCH_WINDOW_MS), over a
 * connection of its own that keeps the order in which they were sent.
 */
@Injectable()
export class ReplicaBus implements OnModuleInit, OnApplicationShutdown {
  /** Unique per process start: a restarted pod is a new replica, and its old life can be reaped. */
  readonly replicaId: string;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly logger: Logger;
  private handler: (envelope: Envelope) => void = () => undefined;
  private readonly outbox = new Map<string, Envelope[]>();
  private readonly ackOutbox = new Map<string, Ack[]>();
  /** null once shut down. */
  private heartbeat?: NodeJS.Timeout | null;
  private flushScheduled = false;
  private lastFlush = -Infinity;

  constructor(
    @Inject(CONFIG) config: Config,
    @Inject(LOGGER) logger: Logger,
    private readonly redis: RedisService,
  ) {
    this.replicaId = `${config.instanceId}-${randomBytes(4).toString('hex')}`;
    this.publisher = redis.dedicatedConnection('publisher');
    this.subscriber = redis.dedicatedConnection('inbox');
    this.logger = logger.child({ component: 'replica-bus', replica: this.replicaId });
  }

  onMessage(handler: (envelope: Envelope) => void): void {
    this.handler = handler;
  }

  async onModuleInit(): Promise<void> {
    this.subscriber.on('message', (_channel: string, text: string) => {
      let batch: Envelope[];
      try {
        batch = decodeBatch(text);
      } catch {
        this.logger.error('unreadable envelope batch');
        return;
      }
      for (const envelope of batch) this.handler(envelope);
    });
    // Subscribed whenever the connection becomes ready, and only then: a SUBSCRIBE sent before ioredis
    // finished its ready check puts the connection in subscriber mode, the check fails, and after the
    // reconnection ioredis does not subscribe again, leaving a replica that hears nothing. Redis may be
    // down at start: the replica still starts (readiness says so) and subscribes once it can.
    this.subscriber.on('ready', () => void this.subscribe());
    if (this.subscriber.status === 'ready') void this.subscribe();
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    await this.redis.client.zrem(routingKeys.replicas(), this.replicaId).catch(() => undefined);
  }

  send(replica: string, envelope: Envelope): void {
    if (replica === this.replicaId) {
      // Same order as a remote delivery would keep, without the round trip.
      queueMicrotask(() => this.handler(envelope));
      return;
    }
    if (envelope.k === 'ack') {
      // Within this microtask round, not the next loop turn: between writing a message to its socket
      // and acknowledging it this replica could die, and the sender would answer TEMPORARY_ERROR for a
      // delivered message. The acks of one inbound batch still travel together.
      let acks = this.ackOutbox.get(replica);
      if (acks === undefined) {
        acks = [];
        this.ackOutbox.set(replica, acks);
        if (this.ackOutbox.size === 1) queueMicrotask(() => this.flushAcks());
      }
      acks.push(envelope);
      return;
    }
    // Everything else for one replica goes out as one PUBLISH per BATCH_WINDOW_MS: under load, one
    // Redis command carries many messages, in the order they were sent.
    let batch = this.outbox.get(replica);
    if (batch === undefined) {
      batch = [];
      this.outbox.set(replica, batch);
    }
    batch.push(envelope);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      const wait = this.lastFlush + BATCH_WINDOW_MS - performance.now();
      if (wait <= 0) setImmediate(() => this.flush());
      else setTimeout(() => this.flush(), wait);
    }
  }

  private flushAcks(): void {
    for (const [replica, acks] of this.ackOutbox) {
      const ids = [];
      const out: Envelope[] = [];
      for (const ack of acks) {
        if (ack.outcome === 'delivered' && ack.reply === undefined) ids.push(ack.id);
        else out.push(ack);
      }
      if (ids.length > 0) out.unshift({ k: 'delivered', ids });
      // What waits for the same replica travels with the acks, in its order, for the same system call.
      const waiting = this.outbox.get(replica);
      if (waiting !== undefined) {
        this.outbox.delete(replica);
        out.push(...waiting);
      }
      this.publish(replica, out);
    }
    this.ackOutbox.clear();
  }

  private flush(): void {
    this.flushScheduled = false;
    this.lastFlush = performance.now();
    for (const [replica, batch] of this.outbox) this.publish(replica, batch);
    this.outbox.clear();
  }

  private publish(replica: string, batch: readonly Envelope[]): void {
    this.publisher.publish(routingKeys.inbox(replica), encodeBatch(batch)).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'publish failed');
    });
  }

  /** Replicas whose heartbeat stopped. */
  async deadReplicas(now = Date.now()): Promise<string[]> {
    return this.redis.client.zrangebyscore(routingKeys.replicas(), 0, now - REPLICA_DEAD_AFTER_MS);
  }

  async isAlive(replica: string, now = Date.now()): Promise<boolean> {
    if (replica === this.replicaId) return true;
    const score = await this.redis.client.zscore(routingKeys.replicas(), replica);
    return score !== null && Number(score) > now - REPLICA_DEAD_AFTER_MS;
  }

  async forget(replica: string): Promise<void> {
    await this.redis.client.zrem(routingKeys.replicas(), replica);
  }

  private async subscribe(): Promise<void> {
    while (this.heartbeat !== null) {
      try {
        await this.subscriber.subscribe(routingKeys.inbox(this.replicaId));
        return;
      } catch (error) {
        this.logger.warn({ err: error }, 'subscribing to the inbox failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  private async beat(): Promise<void> {
    try {
      await this.redis.client.zadd(routingKeys.replicas(), Date.now(), this.replicaId);
    } catch (error) {
      this.logger.warn({ err: error }, 'heartbeat failed');
    }
  }
}
