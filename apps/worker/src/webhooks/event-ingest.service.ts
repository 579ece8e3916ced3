import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { CONFIG, type Config } from '#config';
import { type BrokerEvent, eventKeys } from '#events';
import { LOGGER } from '#observability';
import { RedisService, type RedisClient } from '#redis';
import { type StreamEvent, WebhookDeliveryRepository } from '#store';
import { isWebhookEventType, LaneQueue, streamEntryTime, webhookPayload } from '#webhooks';
import { IngestLease } from './ingest-lease.js';
import { type StreamEntry, streamEntries } from './stream-entries.js';

export const WEBHOOK_GROUP = 'webhooks';
const BATCH = 100;
const TRIM_EVERY_MS = 60_000;
/** The gateways read the stream without a group: what they may still be reading is kept this long. */
const KEEP_MS = 3_600_000;

/**
 * Turns the event stream into deliveries. One worker at a time reads (the lease), through the
 * consumer group `webhooks`, so events are recorded in stream order. An entry is acknowledged only
 * after its deliveries are committed in PostgreSQL; a reader that died leaves its entries pending in
 * the group, and the next lease holder claims them (XAUTOCLAIM) before reading anything new. Recording
 * is idempotent, so an entry read twice adds nothing.
 */
@Injectable()
export class EventIngestService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly connection: RedisClient;
  private readonly consumer: string;
  private readonly logger: Logger;
  private running = true;
  private loop?: Promise<void>;
  private lastTrim = 0;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly redis: RedisService,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly lanes: LaneQueue,
    private readonly lease: IngestLease,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.connection = redis.dedicatedConnection('webhook-events');
    this.consumer = `${config.instanceId}-${randomBytes(4).toString('hex')}`;
    this.logger = logger.child({ component: 'webhook-events', consumer: this.consumer });
  }

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  /** Stops reading; the batch in hand is finished (recorded and acknowledged) first. */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.lease.release(this.consumer);
  }

  private async run(): Promise<void> {
    let claimed = false;
    while (this.running) {
      try {
        if (!(await this.lease.hold(this.consumer))) {
          claimed = false;
          await sleep(1_000);
          continue;
        }
        if (!claimed) {
          await this.ensureGroup();
          await this.claimPending();
          claimed = true;
        }
        await this.readNew();
        await this.trimNow();
      } catch (error) {
        if (!this.running) return;
        this.logger.warn({ err: error }, 'reading events for webhooks failed');
        claimed = false;
        await sleep(1_000);
      }
    }
  }

  private async ensureGroup(): Promise<void> {
    try {
      // From the stream's start: events written before any worker ran are recorded too.
      await this.connection.xgroup('CREATE', eventKeys.events(), WEBHOOK_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.includes('BUSYGROUP'))) throw error;
    }
  }

  /** Every entry read but not acknowledged, by any reader before this one, in stream order. */
  private async claimPending(): Promise<void> {
    let cursor = '0-0';
    do {
      const [next, entries] = (await this.connection.xautoclaim(
        eventKeys.events(),
        WEBHOOK_GROUP,
        this.consumer,
        0,
        cursor,
        'COUNT',
        BATCH,
      )) as [string, unknown, unknown?];
      await this.handle(streamEntries(entries));
      cursor = next;
    } while (cursor !== '0-0' && this.running);
    await this.forgetIdleConsumers();
  }

  private async readNew(): Promise<void> {
    const result = (await this.connection.xreadgroup(
      'GROUP',
      WEBHOOK_GROUP,
      this.consumer,
      'COUNT',
      BATCH,
      'BLOCK',
      1_000,
      'STREAMS',
      eventKeys.events(),
      '>',
    )) as [string, unknown][] | null;
    for (const [, entries] of result ?? []) await this.handle(streamEntries(entries));
  }

  private async handle(entries: readonly StreamEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const events: StreamEvent[] = [];
    for (const entry of entries) {
      const event = parseEvent(entry.event);
      if (!event) {
        if (entry.event !== undefined) this.logger.warn({ entryId: entry.id }, 'skipping an unreadable event');
        continue;
      }
      const occurredAt = streamEntryTime(entry.id);
      events.push({
        entryId: entry.id,
        tenantId: event.tenantId,
        rmNodeId: event.rmNodeId,
        type: event.type,
        payload: (deliveryId) => webhookPayload(deliveryId, event, occurredAt),
      });
    }
    const laneIds = await this.deliveries.record(events);
    await this.connection.xack(eventKeys.events(), WEBHOOK_GROUP, ...entries.map((entry) => entry.id));
    // Were this lost (a crash right here), the sweep would schedule the lanes.
    await this.lanes.schedule(laneIds);
  }

  /** Readers that left nothing pending (earlier lease holders) are removed from the group. */
  private async forgetIdleConsumers(): Promise<void> {
    const consumers = (await this.connection.xinfo('CONSUMERS', eventKeys.events(), WEBHOOK_GROUP)) as unknown[][];
    for (const fields of consumers) {
      const info = pairs(fields);
      if (info.get('name') !== this.consumer && info.get('pending') === 0) {
        await this.connection.xgroup('DELCONSUMER', eventKeys.events(), WEBHOOK_GROUP, String(info.get('name')));
      }
    }
  }

  /**
   * Drops entries this group has acknowledged and that are older than an hour, so the stream stays
   * short in normal operation; its MAXLEN is only a ceiling for when no worker runs at all.
   */
  private async trimNow(): Promise<void> {
    if (Date.now() - this.lastTrim < TRIM_EVERY_MS) return;
    this.lastTrim = Date.now();
    const [, oldestPending] = (await this.connection.xpending(eventKeys.events(), WEBHOOK_GROUP)) as [
      number,
      string | null,
    ];
    const groups = (await this.connection.xinfo('GROUPS', eventKeys.events())) as unknown[][];
    const delivered = groups
      .map(pairs)
      .find((group) => group.get('name') === WEBHOOK_GROUP)
      ?.get('last-delivered-id');
    const candidates = [`${Date.now() - KEEP_MS}-0`, oldestPending, typeof delivered === 'string' ? delivered : null];
    const minId = candidates.filter((id): id is string => typeof id === 'string').reduce(olderId);
    await this.connection.xtrim(eventKeys.events(), 'MINID', '~', minId);
  }
}

function parseEvent(text: string | undefined): BrokerEvent | undefined {
  if (text === undefined) return undefined;
  try {
    const event = JSON.parse(text) as BrokerEvent;
    return typeof event.tenantId === 'string' && typeof event.rmNodeId === 'string' && isWebhookEventType(event.type)
      ? event
      : undefined;
  } catch {
    return undefined;
  }
}

function pairs(fields: unknown[]): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(String(fields[i]), fields[i + 1]);
  return map;
}

function olderId(a: string, b: string): string {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs < bMs || (aMs === bMs && aSeq <= bSeq) ? a : b;
}
