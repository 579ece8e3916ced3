import { Injectable } from '@nestjs/common';
import { RedisService } from '#redis';
import { eventKeys } from './event-keys.js';
import type { TenantEvent } from './tenant-events.js';

/** Pairing lifecycle events; the session gateway closes sessions on `pairing.removed`. */
export type PairingEvent =
  | {
      readonly type: 'pairing.created';
      readonly tenantId: string;
      readonly cemNodeId: string;
      readonly rmNodeId: string;
    }
  | {
      readonly type: 'pairing.removed';
      readonly tenantId: string;
      readonly cemNodeId: string;
      readonly rmNodeId: string;
      readonly reason: 'unpaired-by-rm' | 'unpaired-by-tenant' | 'repaired' | 'paired-elsewhere' | 'cem-node-deleted';
    };

/** Session lifecycle events, once per session (never per message); webhooks deliver them. */
export type SessionEvent =
  | {
      readonly type: 'session.opened';
      readonly tenantId: string;
      readonly cemNodeId: string;
      readonly rmNodeId: string;
      readonly sessionId: string;
      readonly s2Version: string;
    }
  | {
      readonly type: 'session.closed';
      readonly tenantId: string;
      readonly cemNodeId: string;
      readonly rmNodeId: string;
      readonly sessionId: string;
      readonly reason: string;
    };

/** Everything on the event stream. */
export type BrokerEvent = PairingEvent | SessionEvent;

type PairingRemoved = Extract<PairingEvent, { type: 'pairing.removed' }>;

/** The event for a pairing that was removed (any record carrying these fields, such as the repository's). */
export function pairingRemoved(removed: Omit<PairingRemoved, 'type'>): PairingRemoved {
  return {
    type: 'pairing.removed',
    tenantId: removed.tenantId,
    cemNodeId: removed.cemNodeId,
    rmNodeId: removed.rmNodeId,
    reason: removed.reason,
  };
}

/** The event for a pairing that was made (any record carrying these fields, such as the repository's). */
export function pairingCreated(pairing: {
  readonly tenantId: string;
  readonly cemNodeId: string;
  readonly rmNodeId: string;
}): PairingEvent {
  return {
    type: 'pairing.created',
    tenantId: pairing.tenantId,
    cemNodeId: pairing.cemNodeId,
    rmNodeId: pairing.rmNodeId,
  };
}

/**
 * An upper bound on the stream, whatever happens. The webhook worker trims what it has recorded (see
 * `libs/webhooks`), so in normal operation the stream is far shorter and an unread event is never cut.
 */
export const STREAM_LENGTH = 1_000_000;

/**
 * Events on a Redis stream rather than pub/sub: a consumer that was briefly disconnected reads what it
 * missed from its last id instead of losing it.
 */
@Injectable()
export class EventBus {
  constructor(private readonly redis: RedisService) {}

  async publish(events: readonly (BrokerEvent | TenantEvent)[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.redis.client.pipeline();
    for (const event of events) {
      pipeline.xadd(eventKeys.events(), 'MAXLEN', '~', STREAM_LENGTH, '*', 'event', JSON.stringify(event));
    }
    await pipeline.exec();
  }
}
