import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { type LocalChannel, LocalHub, type LocalRm } from './routing/local-hub.js';
import type { GatewayNode } from './routing/gateway-node.js';
import { TenantEventsHandler } from './tenant-events.handler.js';

/** A socket that logs what the handler does to it: SessionRequests sent, and the close. */
function fakeSocket(log: string[], name: string): WebSocket {
  return {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    send: (frame: string) => log.push(`${name} ${(JSON.parse(frame) as { request: string }).request}`),
    close: (code: number, reason: string) => log.push(`${name} ${code} ${reason}`),
    terminate: () => undefined,
  } as unknown as WebSocket;
}

function setup() {
  const log: string[] = [];
  const hub = new LocalHub();
  const rm = (rmNodeId: string, tenantId: string) =>
    hub.addRm({ rmNodeId, tenantId, socket: fakeSocket(log, rmNodeId) } as unknown as LocalRm);
  const channel = (channelId: string, tenantId: string, serviceAccountId: string) =>
    hub.addChannel({
      channelId,
      tenantId,
      serviceAccountId,
      socket: fakeSocket(log, channelId),
    } as unknown as LocalChannel);
  rm('rm-a', 't-1');
  rm('rm-b', 't-2');
  channel('ch-1', 't-1', 'sa-1');
  channel('ch-2', 't-1', 'sa-2');
  channel('ch-3', 't-2', 'sa-3');
  const forgetHistory = (rmNodeIds: readonly string[]) => log.push(`forget ${rmNodeIds.join(' ')}`);
  return { handler: new TenantEventsHandler({ hub, forgetHistory } as unknown as GatewayNode), log };
}

describe('TenantEventsHandler', () => {
  it("closes the suspended tenant's RM sessions (with RECONNECT) and CEM channels, no one else's", () => {
    const { handler, log } = setup();
    handler.handle({ type: 'tenant.suspended', tenantId: 't-1' });
    expect(log).toEqual([
      'rm-a RECONNECT',
      'rm-a 4003 tenant-suspended',
      'ch-1 4003 tenant-suspended',
      'ch-2 4003 tenant-suspended',
    ]);
  });

  it("drops what it gathered of a deleted tenant's RMs, and closes their sessions as unpaired", () => {
    const { handler, log } = setup();
    handler.handle({ type: 'tenant.deleted', tenantId: 't-2' });
    expect(log).toEqual(['forget rm-b', 'rm-b RECONNECT', 'rm-b 4001 tenant-deleted', 'ch-3 4003 tenant-deleted']);
  });

  it('closes only the channels a revoked account opened, and no RM session', () => {
    const { handler, log } = setup();
    handler.handle({ type: 'service-account.revoked', tenantId: 't-1', serviceAccountId: 'sa-2' });
    expect(log).toEqual(['ch-2 4004 service-account-revoked']);
  });
});
