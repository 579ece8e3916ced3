// The gateway's reader of the event stream, against the real Redis: an event published at any moment
// after the replica started reaches it, including in the instant between two blocking reads.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { BrokerEventsConsumer, type GatewayNode, LocalHub, RecentRemovals, type TenantEventsHandler } from '#gateway';
import { eventKeys, type TenantEvent } from '#events';
import type { RedisService } from '#redis';
import { openTestRedis } from './support/redis.js';

const publisher = openTestRedis();
const reader = openTestRedis();

afterAll(async () => {
  publisher.disconnect();
  reader.disconnect();
});

describe('the gateway reading the event stream', () => {
  it('handles an event published right after a read that found nothing', async () => {
    const tenantId = randomUUID();
    const revoked: TenantEvent = { type: 'service-account.revoked', tenantId, serviceAccountId: randomUUID() };
    const read = reader.xread.bind(reader) as (...args: unknown[]) => Promise<unknown>;
    let emptyReads = 0;
    // The first read that times out empty publishes the event before its answer reaches the reader:
    // the moment between two blocking reads, made certain.
    (reader as unknown as { xread: (...args: unknown[]) => Promise<unknown> }).xread = async (...args) => {
      const result = await read(...args);
      if (result === null && ++emptyReads === 1) {
        await publisher.xadd(eventKeys.events(), '*', 'event', JSON.stringify(revoked));
      }
      return result;
    };
    const handled: TenantEvent[] = [];
    const consumer = new BrokerEventsConsumer(
      { dedicatedConnection: () => reader } as unknown as RedisService,
      { hub: new LocalHub(), pairingEvent: () => undefined } as unknown as GatewayNode,
      { handle: (event: TenantEvent) => handled.push(event) } as unknown as TenantEventsHandler,
      new RecentRemovals(),
      pino({ level: 'silent' }),
    );
    consumer.onApplicationBootstrap();
    try {
      await expect.poll(() => handled.filter((e) => e.tenantId === tenantId), { timeout: 5_000 }).toEqual([revoked]);
    } finally {
      consumer.onApplicationShutdown();
    }
  });
});
