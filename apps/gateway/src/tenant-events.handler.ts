import { Injectable } from '@nestjs/common';
import type { TenantEvent } from '#events';
import { CLOSE } from './limits.js';
import { GatewayNode } from './routing/gateway-node.js';
import { closeRm } from './routing/placement.js';
import { closeSocket } from './sockets/sockets.js';

/** What a replica does with its own sockets when a tenant or a service account may no longer be served. */
export interface SocketClosing {
  /** RM sessions of the tenant: SessionRequest RECONNECT, then this close. */
  rms?: { code: number; reason: string };
  /** CEM channels of the tenant (those of `serviceAccountId` only, when given). */
  channels: { code: number; reason: string; serviceAccountId?: string };
}

/** The tenant events that end sockets. */
export type ClosingEvent = Exclude<TenantEvent, { type: 'tenant.history-changed' }>;

export function closingFor(event: ClosingEvent): SocketClosing {
  switch (event.type) {
    case 'tenant.suspended':
      return {
        rms: { code: CLOSE.tenantUnavailable, reason: 'tenant-suspended' },
        channels: { code: CLOSE.tenantUnavailable, reason: 'tenant-suspended' },
      };
    case 'tenant.deleted':
      // Its pairings went with it: for the RM this is an unpairing.
      return {
        rms: { code: CLOSE.unpaired, reason: 'tenant-deleted' },
        channels: { code: CLOSE.tenantUnavailable, reason: 'tenant-deleted' },
      };
    case 'service-account.revoked':
      return {
        channels: {
          code: CLOSE.credentialsRevoked,
          reason: 'service-account-revoked',
          serviceAccountId: event.serviceAccountId,
        },
      };
  }
}

/** Closes this replica's sockets that a tenant event ends; every replica does the same with its own. */
@Injectable()
export class TenantEventsHandler {
  constructor(private readonly node: GatewayNode) {}

  handle(event: TenantEvent): void {
    if (event.type === 'tenant.history-changed') return this.node.setHistory(event.tenantId, event.history);
    // The API removes the history kept in Redis; this replica's unwritten part goes here.
    if (event.type === 'tenant.deleted')
      this.node.forgetHistory(this.node.hub.rms(event.tenantId).map((rm) => rm.rmNodeId));
    const closing = closingFor(event);
    if (closing.rms) {
      for (const rm of this.node.hub.rms(event.tenantId))
        closeRm(rm, closing.rms.code, closing.rms.reason, 'RECONNECT');
    }
    const { code, reason, serviceAccountId } = closing.channels;
    for (const channel of this.node.hub.channels(event.tenantId)) {
      if (serviceAccountId !== undefined && channel.serviceAccountId !== serviceAccountId) continue;
      closeSocket(channel.socket, code, reason);
    }
  }
}
