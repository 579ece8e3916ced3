import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { LocalChannel, LocalRm } from './local-state.js';
import type { RouterService } from './router.service.js';
import { TenantEventsHandler } from './tenant-events.handler.js';

function fakeSocket(log: string[], name: string): WebSocket {
  return {
    close: (code: number, reason: string) => log.push(`${name} ${code} ${reason}`),
    terminate: () => undefined,
  } as unknown as WebSocket;
}

function setup() {
  const log: string[] = [];
  const rm = (rmNodeId: string, tenantId: string) => ({ rmNodeId, tenantId, socket: fakeSocket(log, rmNodeId) });
  const channel = (channelId: string, tenantId: string, serviceAccountId: string) => ({
    channelId,
    tenantId,
    serviceAccountId,
    socket: fakeSocket(log, channelId),
  });
  const rms = [rm('rm-a', 't-1'), rm('rm-b', 't-2')];
  const channels = [channel('ch-1', 't-1', 'sa-1'), channel('ch-2', 't-1', 'sa-2'), channel('ch-3', 't-2', 'sa-3')];
  const router = {
    rms: new Map(rms.map((r) => [r.rmNodeId, r as unknown as LocalRm])),
    channels: new Map(channels.map((c) => [c.channelId, c as unknown as LocalChannel])),
    closeRmSocket: (target: LocalRm, code: number, reason: string, request?: string) =>
      log.push(`${target.rmNodeId} ${request} ${code} ${reason}`),
  } as unknown as RouterService;
  return { handler: new TenantEventsHandler(router), log };
}

describe('TenantEventsHandler', () => {
  it("closes the suspended tenant's RM sessions (with RECONNECT) and CEM channels, no one else's", () => {
    const { handler, log } = setup();
    handler.handle({ type: 'tenant.suspended', tenantId: 't-1' });
    expect(log).toEqual([
      'rm-a RECONNECT 4003 tenant-suspended',
      'ch-1 4003 tenant-suspended',
      'ch-2 4003 tenant-suspended',
    ]);
  });

  it("closes a deleted tenant's RM sessions as unpaired", () => {
    const { handler, log } = setup();
    handler.handle({ type: 'tenant.deleted', tenantId: 't-2' });
    expect(log).toEqual(['rm-b RECONNECT 4001 tenant-deleted', 'ch-3 4003 tenant-deleted']);
  });

  it('closes only the channels a revoked account opened, and no RM session', () => {
    const { handler, log } = setup();
    handler.handle({ type: 'service-account.revoked', tenantId: 't-1', serviceAccountId: 'sa-2' });
    expect(log).toEqual(['ch-2 4004 service-account-revoked']);
  });
});
