import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../../db/src/generated/prisma/client.js';
import { PrismaService } from '../../../db/src/prisma.service.js';
import { auditRow } from '../mapping.js';
import type { AuditEntry } from '../records.js';
import { isUuid } from '../uuid.js';
import type { Page } from '../keyset-page.js';
import type {
  DeadLetterRecord,
  NewWebhookEndpoint,
  WebhookEndpointChanges,
  WebhookEndpointRecord,
} from './webhook.records.js';

const ENDPOINT_FIELDS = {
  id: true,
  tenantId: true,
  url: true,
  eventTypes: true,
  description: true,
  enabled: true,
  createdAt: true,
  updatedAt: true,
} as const;

const DEAD_LETTER_FIELDS = {
  id: true,
  eventId: true,
  eventType: true,
  payload: true,
  attempts: true,
  lastStatus: true,
  lastError: true,
  lastAttemptAt: true,
  finishedAt: true,
} as const;

/**
 * A tenant's webhook endpoints and their dead letters. Every method takes the tenant id and puts it in
 * the query itself, so another tenant's endpoint is simply not found.
 */
@Injectable()
export class WebhookRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(endpoint: NewWebhookEndpoint, audit: AuditEntry): Promise<WebhookEndpointRecord> {
    const [created] = await this.prisma.$transaction([
      this.prisma.webhookEndpoint.create({ data: endpoint, select: ENDPOINT_FIELDS }),
      this.prisma.auditEvent.create({ data: auditRow(audit), select: { id: true } }),
    ]);
    return created;
  }

  async list(tenantId: string, limit: number, cursor?: string): Promise<Page<WebhookEndpointRecord>> {
    const rows = await this.prisma.webhookEndpoint.findMany({
      where: { tenantId, ...(cursor !== undefined && isUuid(cursor) ? { id: { gt: cursor } } : {}) },
      orderBy: { id: 'asc' },
      take: limit + 1,
      select: ENDPOINT_FIELDS,
    });
    return page(rows, limit, (row) => row.id);
  }

  async findInTenant(tenantId: string, id: string): Promise<WebhookEndpointRecord | null> {
    if (!isUuid(id)) return null;
    return this.prisma.webhookEndpoint.findFirst({ where: { id, tenantId }, select: ENDPOINT_FIELDS });
  }

  async update(
    tenantId: string,
    id: string,
    changes: WebhookEndpointChanges,
    audit: AuditEntry,
  ): Promise<WebhookEndpointRecord | null> {
    return this.inTenant(tenantId, id, async (tx) => {
      const updated = await tx.webhookEndpoint.update({ where: { id }, data: changes, select: ENDPOINT_FIELDS });
      await tx.auditEvent.create({ data: auditRow(audit), select: { id: true } });
      return updated;
    });
  }

  /** Deletes the endpoint with its pending deliveries and dead letters; false if it was not there. */
  async delete(tenantId: string, id: string, audit: AuditEntry): Promise<boolean> {
    const deleted = await this.inTenant(tenantId, id, async (tx) => {
      await tx.webhookEndpoint.delete({ where: { id }, select: { id: true } });
      await tx.auditEvent.create({ data: auditRow(audit), select: { id: true } });
      return true;
    });
    return deleted ?? false;
  }

  async rotateSecret(
    tenantId: string,
    id: string,
    secret: string,
    audit: AuditEntry,
  ): Promise<WebhookEndpointRecord | null> {
    return this.inTenant(tenantId, id, async (tx) => {
      const updated = await tx.webhookEndpoint.update({ where: { id }, data: { secret }, select: ENDPOINT_FIELDS });
      await tx.auditEvent.create({ data: auditRow(audit), select: { id: true } });
      return updated;
    });
  }

  /** Dead letters of one of the tenant's endpoints, latest first; null when the endpoint is not the tenant's. */
  async deadLetters(
    tenantId: string,
    endpointId: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<DeadLetterRecord> | null> {
    if ((await this.findInTenant(tenantId, endpointId)) === null) return null;
    const after = cursor !== undefined ? decodeCursor(cursor) : undefined;
    const rows = await this.prisma.webhookDelivery.findMany({
      where: {
        tenantId,
        endpointId,
        status: 'DEAD',
        ...(after ? { OR: [{ finishedAt: { lt: after.at } }, { finishedAt: after.at, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ finishedAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
      select: DEAD_LETTER_FIELDS,
    });
    const items = rows.map(({ finishedAt, ...row }) => ({ ...row, deadAt: finishedAt ?? new Date(0) }));
    return page(items, limit, (row) => encodeCursor(row.deadAt, row.id));
  }

  /**
   * Puts a dead letter back in its lane with a fresh count of tries; it goes ahead of the lane's pending
   * deliveries (its sequence number is older). Returns the lane id, or null when there is no such dead
   * letter of the tenant's endpoint.
   */
  async redeliver(tenantId: string, endpointId: string, deliveryId: string, audit: AuditEntry): Promise<string | null> {
    if (!isUuid(endpointId) || !isUuid(deliveryId)) return null;
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.webhookDelivery.findFirst({
        where: { id: deliveryId, tenantId, endpointId, status: 'DEAD' },
        select: { laneId: true },
      });
      if (!row) return null;
      await tx.webhookDelivery.update({
        where: { id: deliveryId },
        data: { status: 'PENDING', attempts: 0, finishedAt: null },
      });
      await tx.auditEvent.create({ data: auditRow(audit), select: { id: true } });
      return row.laneId;
    });
  }

  private async inTenant<T>(
    tenantId: string,
    id: string,
    change: (tx: Prisma.TransactionClient) => Promise<T>,
  ): Promise<T | null> {
    if (!isUuid(id)) return null;
    return this.prisma.$transaction(async (tx) => {
      const found = await tx.webhookEndpoint.findFirst({ where: { id, tenantId }, select: { id: true } });
      return found ? change(tx) : null;
    });
  }
}

function page<T>(rows: T[], limit: number, cursorOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`, 'utf8').toString('base64url');
}

/** undefined for a cursor this repository did not make: the list then starts from the top. */
function decodeCursor(cursor: string): { at: Date; id: string } | undefined {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (at === undefined || id === undefined || !isUuid(id) || Number.isNaN(Date.parse(at))) return undefined;
  return { at: new Date(at), id };
}
