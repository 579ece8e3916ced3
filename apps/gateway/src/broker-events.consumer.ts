import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { type BrokerEvent, eventKeys, isTenantEvent, type TenantEvent } from '#events';
import { LOGGER } from '#observability';
import { RedisService, type RedisClient } from '#redis';
import { pairingFrame } from './routing/cem-frames.js';
import { CLOSE } from './limits.js';
import { GatewayNode } from './routing/gateway-node.js';
import { closeRm } from './routing/placement.js';
import { closingFor, TenantEventsHandler } from './tenant-events.handler.js';
import { RecentRemovals } from './recent-removals.js';

/**
 * Every replica reads the broker's event stream: it closes its own socket of an RM that was unpaired
 * (SessionRequest RECONNECT, then close) and tells its own CEM channels of the tenant. Tenant events on
 * the same stream (suspension, deletion, revocation) close its sockets of that tenant or account.
 */
@Injectable()
export class BrokerEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly connection: RedisClient;
  private running = true;
  private readonly logger: Logger;

  constructor(
    private readonly redis: RedisService,
    private readonly node: GatewayNode,
    private readonly tenantEvents: TenantEventsHandler,
    private readonly removals: RecentRemovals,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.connection = redis.dedicatedConnection('broker-events');
    this.logger = logger.child({ component: 'broker-events' });
  }

  onApplicationBootstrap(): void {
    void this.loop();
  }

  onApplicationShutdown(): void {
    this.running = false;
  }

  private async loop(): Promise<void> {
    let lastId: string | undefined;
    while (this.running) {
      try {
        // Where the stream ended when this replica started, resolved once. Not '$' on each call: '$'
        // means "after this call", so every call that timed out empty would open a gap in which an
        // event (a revocation, an unpairing) is lost until the next one arrives.
        lastId ??= await this.streamEnd();
        const result = (await this.connection.xread('BLOCK', 1000, 'STREAMS', eventKeys.events(), lastId)) as
          [string, [string, string[]][]][] | null;
        for (const [, entries] of result ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            this.handle(JSON.parse(fields[1] ?? '{}') as BrokerEvent | TenantEvent);
          }
        }
      } catch (error) {
        if (!this.running) return;
        this.logger.warn({ err: error }, 'reading broker events failed');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** The id of the stream's newest entry, or the start of an empty stream. */
  private async streamEnd(): Promise<string> {
    const [newest] = await this.connection.xrevrange(eventKeys.events(), '+', '-', 'COUNT', 1);
    return newest?.[0] ?? '0-0';
  }

  private handle(event: BrokerEvent | TenantEvent): void {
    // Session events on the same stream are for webhooks; the channels learn of sessions directly.
    if (event.type === 'session.opened' || event.type === 'session.closed') return;
    if (isTenantEvent(event)) {
      if (event.type === 'tenant.suspended' || event.type === 'tenant.deleted') {
        const rms = closingFor(event).rms;
        if (rms) this.removals.tenant(event.tenantId, rms);
      }
      this.tenantEvents.handle(event);
    } else if (event.type === 'pairing.removed') {
      this.removals.pairing(event.rmNodeId, event.cemNodeId, { code: CLOSE.unpaired, reason: 'unpaired' });
      this.node.forgetHistory([event.rmNodeId]);
      const rm = this.node.hub.rm(event.rmNodeId);
      if (rm && rm.cemNodeId === event.cemNodeId) {
        // Nothing more of it is kept, whatever arrives before its socket is closed.
        rm.history = null;
        closeRm(rm, CLOSE.unpaired, 'unpaired', 'RECONNECT');
      }
      this.node.pairingEvent(
        event.tenantId,
        event.cemNodeId,
        event.rmNodeId,
        pairingFrame(event.type, event.rmNodeId, event.cemNodeId, event.reason),
        true,
      );
    } else {
      this.node.pairingEvent(
        event.tenantId,
        event.cemNodeId,
        event.rmNodeId,
        pairingFrame(event.type, event.rmNodeId, event.cemNodeId),
        false,
      );
    }
  }
}
