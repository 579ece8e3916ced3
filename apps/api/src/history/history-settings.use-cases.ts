import { Injectable } from '@nestjs/common';
import { EventBus } from '#events';
import type { HistoryPolicy } from '#inspection';
import { HistorySettingsRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { auditActor } from '../audit/audit-actor.js';
import { TenantNotFoundError } from '../errors/api-error.js';
import type { HistorySettingsBody, HistorySettingsView } from './history.schemas.js';
import { MessageHistory } from './message-history.js';

export function historySettingsView(policy: HistoryPolicy | null): HistorySettingsView {
  return policy === null ? { enabled: false, maxMessages: null, maxAgeSeconds: null } : { enabled: true, ...policy };
}

/** `GET /api/v1/settings/history`. */
@Injectable()
export class GetHistorySettings {
  constructor(private readonly settings: HistorySettingsRepository) {}

  async execute(caller: TenantPrincipal): Promise<HistoryPolicy | null> {
    const policy = await this.settings.find(caller.tenantId);
    if (policy === undefined) throw new TenantNotFoundError();
    return policy;
  }
}

/**
 * `PUT /api/v1/settings/history`. The gateway replicas learn of it by the event and apply it to the
 * tenant's live sessions at once; turning it off removes what was kept of every RM of the tenant.
 */
@Injectable()
export class SetHistorySettings {
  constructor(
    private readonly settings: HistorySettingsRepository,
    private readonly events: EventBus,
    private readonly history: MessageHistory,
  ) {}

  async execute(caller: TenantPrincipal, body: HistorySettingsBody): Promise<HistoryPolicy | null> {
    const policy = body.enabled ? { maxMessages: body.maxMessages, maxAgeSeconds: body.maxAgeSeconds } : null;
    const rmNodeIds = await this.settings.set(caller.tenantId, policy, {
      tenantId: caller.tenantId,
      ...auditActor(caller),
      action: 'tenant.history-changed',
      subjectType: 'tenant',
      subjectId: caller.tenantId,
      data: { ...historySettingsView(policy) },
    });
    if (rmNodeIds === false) throw new TenantNotFoundError();
    await this.events.publish([{ type: 'tenant.history-changed', tenantId: caller.tenantId, history: policy }]);
    if (policy === null) await this.history.remove(rmNodeIds);
    return policy;
  }
}
