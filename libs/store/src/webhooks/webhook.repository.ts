import { Injectable } from '@nestjs/common';
import { type Prisma, PrismaService } from '#db';
import { SecretCipher } from '#security';
import { auditRow } from '../mapping.js';
import type { AuditEntry } from '../records.js';
import { webhookSecretPlace } from '../secret-places.js';
import { isUuid } from '../uuid.js';
import { type ListPosition, type Page, type PageRequest, pastPosition, positionPage } from '../keyset-page.js';
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
  constructor(
    private readonly prisma: PrismaService,
    private readonly cipher: SecretCipher,
  ) {}

  async create(endpoint: NewWebhookEndpoint, audit: AuditEntry): Promise<WebhookEndpointRecord> {
    const [created] = await this.prisma.$transaction([
      this.prisma.webhookEndpoint.create({
        data: { ...endpoint, secret: this.cipher.seal(endpoint.secret, webhookSecretPlace(endpoint.id)) },
        select: ENDPOINT_FIELDS,
      }),
      this.prisma.auditEvent.create({ data: auditRow(audit), select: { id: true } }),
    ]);
    return created;
  }

  /** Oldest first (then by id). */
  async list(tenantId: string, page: PageRequest<ListPosition>): Promise<Page<WebhookEndpointRecord>> {
    const rows = await this.prisma.webhookEndpoint.findMany({
      where: { tenantId, ...pastPosition('createdAt', page.after) },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: page.limit + 1,
      select: ENDPOINT_FIELDS,
    });
    return positionPage(rows, page.limit, 'createdAt');
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
      const sealed = this.cipher.seal(secret, webhookSecretPlace(id));
      const updated = await tx.webhookEndpoint.update({
        where: { id },
        data: { secret: sealed },
        select: ENDPOINT_FIELDS,
      });
      await tx.auditEvent.create({ data: auditRow(audit), select: { id: true } });
      return updated;
    });
  }

  /** Dead letters of one of the tenant's endpoints, latest first; null when the endpoint is not the tenant's. */
  async deadLetters(
    tenantId: string,
    endpointId: string,
    page: PageRequest<ListPosition>,
  ): Promise<Page<DeadLetterRecord> | null> {
    if ((await this.findInTenant(tenantId, endpointId)) === null) return null;
    const rows = await this.prisma.webhookDelivery.findMany({
      where: { tenantId, endpointId, status: 'DEAD', ...pastPosition('finishedAt', page.after, 'desc') },
      orderBy: [{ finishedAt: 'desc' }, { id: 'desc' }],
      take: page.limit + 1,
      select: DEAD_LETTER_FIELDS,
    });
    const letters = rows.map(({ finishedAt, ...row }) => ({ ...row, deadAt: finishedAt ?? new Date(0) }));
    return positionPage(letters, page.limit, 'deadAt');
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
