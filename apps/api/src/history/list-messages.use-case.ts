import { Injectable } from '@nestjs/common';
import { HistorySettingsRepository, PairingViewRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { RmNotFoundError } from '../errors/api-error.js';
import type { MessagesQuery } from './history.schemas.js';
import { type HistoryPage, MessageHistory } from './message-history.js';

/**
 * `GET /api/v1/rms/{rmNodeId}/messages`: the kept history of an RM of the caller, newest first. Empty
 * while the tenant keeps none; never a message from before the RM's current pairing.
 */
@Injectable()
export class ListMessages {
  constructor(
    private readonly pairings: PairingViewRepository,
    private readonly settings: HistorySettingsRepository,
    private readonly history: MessageHistory,
  ) {}

  async execute(caller: TenantPrincipal, rmNodeId: string, query: MessagesQuery): Promise<HistoryPage> {
    const [pairing, policy] = await Promise.all([
      this.pairings.findInTenant(caller.tenantId, rmNodeId),
      this.settings.find(caller.tenantId),
    ]);
    if (pairing === undefined) throw new RmNotFoundError();
    if (!policy) return { items: [], nextCursor: null };
    const notBefore = Math.max(Date.now() - policy.maxAgeSeconds * 1_000, pairing.pairedAt.getTime());
    return this.history.page(rmNodeId, { limit: query.limit, before: query.before, type: query.type, notBefore });
  }
}
