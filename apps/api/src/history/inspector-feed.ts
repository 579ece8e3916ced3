import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, type Config } from '#config';
import { inspectionKeys, TAP_RENEW_MS, TAP_TTL_MS } from '#inspection';
import { LOGGER } from '#observability';
import { type RedisClient, RedisService } from '#redis';
import { InspectorStreamsExhaustedError } from '../errors/api-error.js';
import { PairingEndings } from './pairing-endings.js';

/** One open live stream: an inspector watching one RM of its tenant. */
export interface FeedViewer {
  readonly id: string;
  readonly tenantId: string;
  readonly rmNodeId: string;
  /** One InspectedMessage's JSON text, as the gateway published it. */
  deliver(text: string): void;
  /** The watch is over on the broker's side (the pairing is gone, the API is stopping). */
  end(reason: string): void;
}

// A stream slot of the tenant's, if fewer than ARGV[2] are held: expired slots (of a process that
// stopped without leaving) are dropped first.
const TAKE_SLOT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

// This process stops watching an RM: the RM leaves `taps` unless another process still watches it.
const STOP_WATCH = `
redis.call('HDEL', KEYS[2], ARGV[1])
local now = tonumber(ARGV[2])
for _, untilMs in ipairs(redis.call('HVALS', KEYS[2])) do
  if tonumber(untilMs) > now then return 0 end
end
redis.call('HDEL', KEYS[1], ARGV[3])
return 1`;

/**
 * The API's side of the message inspector. Viewers of one RM share one subscription to its tap
 * channel per process; while any is open the process renews the RM's entry in `taps` every
 * TAP_RENEW_MS (the gateway publishes only while it is fresh), and the tenant's stream slots with it.
 * The last viewer leaving ends the watch; the RM's pairing ending ends its viewers' streams.
 */
@Injectable()
export class InspectorFeed implements OnApplicationShutdown {
  private readonly processId = randomUUID();
  private subscriber: RedisClient | undefined;
  private readonly watches = new Map<string, Set<FeedViewer>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly logger: Logger;

  constructor(
    private readonly redis: RedisService,
    private readonly endings: PairingEndings,
    @Inject(CONFIG) private readonly config: Pick<Config, 'inspectorStreamsPerTenant'>,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'inspector-feed' });
    this.endings.onEnd((ending) =>
      this.endViewers((viewer) =>
        viewer.tenantId === ending.tenantId && (ending.rmNodeId ?? viewer.rmNodeId) === viewer.rmNodeId
          ? ending.reason
          : undefined,
      ),
    );
  }

  onApplicationShutdown(): void {
    this.endViewers(() => 'shutting-down');
    clearInterval(this.timer);
  }

  /** Opens the viewer's watch; InspectorStreamsExhaustedError when its tenant holds all its slots. */
  async join(viewer: FeedViewer): Promise<void> {
    const now = Date.now();
    const max = this.config.inspectorStreamsPerTenant;
    const taken = await this.redis.client.eval(
      TAKE_SLOT,
      1,
      inspectionKeys.liveStreams(viewer.tenantId),
      now,
      max,
      now + TAP_TTL_MS,
      viewer.id,
      TAP_TTL_MS,
    );
    if (taken !== 1) throw new InspectorStreamsExhaustedError(max);
    let viewers = this.watches.get(viewer.rmNodeId);
    const first = viewers === undefined;
    if (viewers === undefined) this.watches.set(viewer.rmNodeId, (viewers = new Set()));
    viewers.add(viewer);
    this.endings.setActive(true);
    this.timer ??= setInterval(() => void this.renew(), TAP_RENEW_MS);
    if (first) {
      await this.subscriberConnection().subscribe(inspectionKeys.tap(viewer.rmNodeId));
      await this.renew([viewer.rmNodeId]);
    }
  }

  async leave(viewer: FeedViewer): Promise<void> {
    const viewers = this.watches.get(viewer.rmNodeId);
    if (viewers === undefined || !viewers.delete(viewer)) return;
    // Separate commands (the shared connection pipelines them): on a cluster the tenant's streams and the
    // taps live in different slots.
    const done: Promise<unknown>[] = [this.redis.client.zrem(inspectionKeys.liveStreams(viewer.tenantId), viewer.id)];
    if (viewers.size === 0) {
      this.watches.delete(viewer.rmNodeId);
      done.push(
        this.redis.client.eval(
          STOP_WATCH,
          2,
          inspectionKeys.taps(),
          inspectionKeys.tapWatchers(viewer.rmNodeId),
          this.processId,
          Date.now(),
          viewer.rmNodeId,
        ),
      );
      await this.subscriber?.unsubscribe(inspectionKeys.tap(viewer.rmNodeId));
    }
    if (this.watches.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.endings.setActive(false);
    }
    await Promise.all(done);
  }

  private subscriberConnection(): RedisClient {
    if (this.subscriber === undefined) {
      this.subscriber = this.redis.dedicatedConnection('inspector-feed');
      this.subscriber.on('message', (channel: string, text: string) => this.relay(channel, text));
    }
    return this.subscriber;
  }

  private relay(channel: string, text: string): void {
    const viewers = this.watches.get(channel.slice(inspectionKeys.tap('').length));
    if (viewers === undefined) return;
    for (const viewer of viewers) viewer.deliver(text);
  }

  /** Renews the watch of these RMs (every watched one by default) and the slots of their viewers. */
  private async renew(rmNodeIds: Iterable<string> = this.watches.keys()): Promise<void> {
    const until = Date.now() + TAP_TTL_MS;
    // Plain commands, which the shared connection pipelines: on a cluster a tenant's streams and the taps
    // are in different slots, which one pipeline cannot span.
    const { client } = this.redis;
    const done: Promise<unknown>[] = [];
    for (const rmNodeId of rmNodeIds) {
      done.push(
        client.hset(inspectionKeys.taps(), rmNodeId, until),
        client.hset(inspectionKeys.tapWatchers(rmNodeId), this.processId, until),
        client.pexpire(inspectionKeys.tapWatchers(rmNodeId), TAP_TTL_MS),
      );
      for (const viewer of this.watches.get(rmNodeId) ?? []) {
        done.push(
          client.zadd(inspectionKeys.liveStreams(viewer.tenantId), 'XX', until, viewer.id),
          client.pexpire(inspectionKeys.liveStreams(viewer.tenantId), TAP_TTL_MS),
        );
      }
    }
    try {
      await Promise.all(done);
    } catch (error) {
      this.logger.warn({ err: error }, 'renewing the inspector watches failed');
    }
  }

  /** Ends the streams of every viewer for which `reasonOf` gives a reason. */
  private endViewers(reasonOf: (viewer: FeedViewer) => string | undefined): void {
    for (const viewers of this.watches.values()) {
      for (const viewer of viewers) {
        const reason = reasonOf(viewer);
        if (reason !== undefined) viewer.end(reason);
      }
    }
  }
}
