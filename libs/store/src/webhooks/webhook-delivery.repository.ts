import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type Prisma, PrismaService } from '#db';
import { SecretCipher } from '#security';
import { openStored, webhookSecretPlace } from '../secret-places.js';
import type { LaneHead, StreamEvent, TryOutcome } from './webhook.records.js';

/** Longest error text kept per delivery: enough to tell a refused connection from a timeout. */
const ERROR_LENGTH = 500;

/**
 * The worker's side of webhooks: recording events as deliveries, and each lane's deliveries in order.
 * Not tenant-scoped: the worker serves every tenant and gets the tenant from the event itself.
 */
@Injectable()
export class WebhookDeliveryRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly cipher: SecretCipher,
  ) {}

  /**
   * Records a batch of stream events as deliveries to the subscribed, enabled endpoints of each
   * event's tenant, in one transaction and in the batch's order. An event already recorded for an
   * endpoint (the batch is read again after a crash) is skipped. Returns the lanes that got deliveries.
   */
  async record(events: readonly StreamEvent[]): Promise<string[]> {
    if (events.length === 0) return [];
    return this.prisma.$transaction(async (tx) => {
      const lanes = new Set<string>();
      const endpoints = new Map<string, { id: string; eventTypes: string[] }[]>();
      for (const event of events) {
        let ofTenant = endpoints.get(event.tenantId);
        if (!ofTenant) {
          ofTenant = await tx.webhookEndpoint.findMany({
            where: { tenantId: event.tenantId, enabled: true },
            select: { id: true, eventTypes: true },
          });
          endpoints.set(event.tenantId, ofTenant);
        }
        for (const endpoint of ofTenant) {
          if (!endpoint.eventTypes.includes(event.type)) continue;
          const laneId = await this.recordOne(tx, endpoint.id, event);
          if (laneId !== undefined) lanes.add(laneId);
        }
      }
      return [...lanes];
    });
  }

  private async recordOne(tx: Prisma.TransactionClient, endpointId: string, event: StreamEvent) {
    const exists = await tx.webhookDelivery.findUnique({
      where: { endpointId_eventId: { endpointId, eventId: event.entryId } },
      select: { id: true },
    });
    if (exists) return undefined;
    // The lane row's lock (taken by the update) orders concurrent writers of one lane.
    const lane = await tx.webhookLane.upsert({
      where: { endpointId_rmNodeId: { endpointId, rmNodeId: event.rmNodeId } },
      create: { endpointId, rmNodeId: event.rmNodeId, nextSeq: 2 },
      update: { nextSeq: { increment: 1 } },
      select: { id: true, nextSeq: true },
    });
    const id = randomUUID();
    await tx.webhookDelivery.create({
      data: {
        id,
        tenantId: event.tenantId,
        endpointId,
        laneId: lane.id,
        seq: lane.nextSeq - 1,
        eventId: event.entryId,
        eventType: event.type,
        payload: event.payload(id) as Prisma.InputJsonValue,
      },
      select: { id: true },
    });
    return lane.id;
  }

  /** The lane's first pending delivery (lowest sequence number), or undefined when it has none. */
  async head(laneId: string): Promise<LaneHead | undefined> {
    const row = await this.prisma.webhookDelivery.findFirst({
      where: { laneId, status: 'PENDING' },
      orderBy: { seq: 'asc' },
      select: {
        id: true,
        tenantId: true,
        laneId: true,
        seq: true,
        attempts: true,
        payload: true,
        lane: { select: { rmNodeId: true } },
        endpoint: { select: { id: true, url: true, secret: true, enabled: true } },
      },
    });
    if (!row) return undefined;
    const { endpoint } = row;
    const place = webhookSecretPlace(endpoint.id);
    const secret = openStored(this.cipher, endpoint.secret, place, `webhook endpoint ${endpoint.id}`);
    return {
      id: row.id,
      tenantId: row.tenantId,
      laneId: row.laneId,
      rmNodeId: row.lane.rmNodeId,
      seq: row.seq,
      attempts: row.attempts,
      body: JSON.stringify(row.payload),
      endpoint: { ...endpoint, secret },
    };
  }

  async delivered(id: string, outcome: TryOutcome): Promise<void> {
    await this.prisma.webhookDelivery.updateMany({
      where: { id, status: 'PENDING' },
      data: { ...tryFields(outcome), status: 'DELIVERED', finishedAt: outcome.at },
    });
  }

  /** A failed try; `dead` moves the delivery to the dead-letter list and frees its lane. */
  async failed(id: string, outcome: TryOutcome, dead: boolean): Promise<void> {
    await this.prisma.webhookDelivery.updateMany({
      where: { id, status: 'PENDING' },
      data: { ...tryFields(outcome), ...(dead ? { status: 'DEAD' as const, finishedAt: outcome.at } : {}) },
    });
  }

  /**
   * How many of a tenant's lanes wait out a backoff: only a lane's head is ever tried, so each such
   * lane has exactly one pending delivery with a failed try.
   */
  async retryingLanes(tenantId: string): Promise<number> {
    return this.prisma.webhookDelivery.count({
      where: { status: 'PENDING', attempts: { gt: 0 }, endpoint: { tenantId } },
    });
  }

  /** Lanes with pending deliveries to enabled endpoints: what the sweep makes sure has a job. */
  async lanesWithPending(limit: number): Promise<string[]> {
    const rows = await this.prisma.webhookDelivery.findMany({
      where: { status: 'PENDING', endpoint: { enabled: true } },
      distinct: ['laneId'],
      select: { laneId: true },
      take: limit,
    });
    return rows.map((row) => row.laneId);
  }

  /** Forgets delivered rows finished before `before`; dead letters stay until the endpoint goes. */
  async purgeDelivered(before: Date): Promise<number> {
    const { count } = await this.prisma.webhookDelivery.deleteMany({
      where: { status: 'DELIVERED', finishedAt: { lt: before } },
    });
    return count;
  }
}

function tryFields(outcome: TryOutcome) {
  return {
    attempts: outcome.attempts,
    lastStatus: outcome.status,
    lastError: outcome.error?.slice(0, ERROR_LENGTH) ?? null,
    lastAttemptAt: outcome.at,
  };
}
