import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { type BrokerEvent, eventKeys, type TenantEvent } from '#events';
import { LOGGER } from '#observability';
import { type RedisClient, RedisService } from '#redis';

/** A tenant's pairing of one RM (of all its RMs, without `rmNodeId`) is gone. */
export interface PairingEnding {
  readonly tenantId: string;
  readonly rmNodeId?: string;
  readonly reason: string;
}

/**
 * Reads the broker's event stream while this process has live inspector streams, so that a stream
 * ends with its RM's pairing (unpaired, paired again, its node or tenant deleted) and another tenant's
 * pairing of the RM never shows on it. Idle (no connection, no loop) while nobody watches.
 */
@Injectable()
export class PairingEndings implements OnApplicationShutdown {
  private connection: RedisClient | undefined;
  private active = false;
  private running = false;
  private listener: (ending: PairingEnding) => void = () => undefined;
  private readonly logger: Logger;

  constructor(
    private readonly redis: RedisService,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'pairing-endings' });
  }

  onEnd(listener: (ending: PairingEnding) => void): void {
    this.listener = listener;
  }

  /** Whether this process has live streams: the stream is read only while it has. */
  setActive(active: boolean): void {
    this.active = active;
    if (!active || this.running) return;
    this.running = true;
    void this.loop();
  }

  onApplicationShutdown(): void {
    this.active = false;
  }

  private async loop(): Promise<void> {
    this.connection ??= this.redis.dedicatedConnection('pairing-endings');
    const [newest] = await this.connection.xrevrange(eventKeys.events(), '+', '-', 'COUNT', 1).catch(() => []);
    let lastId = newest?.[0] ?? '0-0';
    while (this.active) {
      try {
        const result = (await this.connection.xread('BLOCK', 1000, 'STREAMS', eventKeys.events(), lastId)) as
          [string, [string, string[]][]][] | null;
        for (const [, entries] of result ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            const ending = endingOf(JSON.parse(fields[1] ?? '{}') as BrokerEvent | TenantEvent);
            if (ending !== undefined) this.listener(ending);
          }
        }
      } catch (error) {
        if (!this.active) break;
        this.logger.warn({ err: error }, 'reading broker events failed');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    this.running = false;
  }
}

function endingOf(event: BrokerEvent | TenantEvent): PairingEnding | undefined {
  switch (event.type) {
    case 'pairing.removed':
      return { tenantId: event.tenantId, rmNodeId: event.rmNodeId, reason: 'unpaired' };
    case 'tenant.deleted':
    case 'tenant.suspended':
      return {
        tenantId: event.tenantId,
        reason: event.type === 'tenant.deleted' ? 'tenant-deleted' : 'tenant-suspended',
      };
    default:
      return undefined;
  }
}
