import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import { CONFIG, type Config } from '#config';
import { WebsocketTokenStore } from '#connect-state';
import { DrainService } from '#health';
import { CemNodeRepository, PairingRepository } from '#store';
import { SessionAdmission } from '#cluster';
import { TenantAuthService, TenantTokenRejectedError, type TenantPrincipal } from '#tenant-auth';
import { GatewayNode } from './routing/gateway-node.js';
import { RecentRemovals } from './recent-removals.js';
import { closeRm } from './routing/placement.js';
import { MAX_FRAME_BYTES, PER_MESSAGE_DEFLATE } from './limits.js';
import { Keepalive, markSeen } from './sockets/sockets.js';
import { OUTAGE_RETRY_AFTER_SECONDS, statusText } from '#http';
import { bearerToken } from '#security';
import { LOGGER, Metrics, REQUEST_ID_HEADER, requestIdOf } from '#observability';

/** Answers an upgrade it will not take with an HTTP status, so that no socket opens. */
function refuse(socket: Duplex, status: number, message: string, requestId: string): void {
  const body = JSON.stringify({ statusCode: status, error: statusText(status), message });
  const retry = status === 503 ? `Retry-After: ${OUTAGE_RETRY_AFTER_SECONDS}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${status} ${statusText(status)}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${REQUEST_ID_HEADER}: ${requestId}\r\n${retry}Connection: close\r\n\r\n${body}`,
  );
}

/** What a refusal's log line says of whom it refused, when the upgrade got far enough to know. */
interface Refused {
  tenantId?: string;
  rmNodeId?: string;
  /** Of the session start an RM's upgrade is, when the status alone does not say it. */
  outcome?: string;
  err?: unknown;
}

/**
 * The request id of an upgrade, as the HTTP requests have theirs (the caller's sane `x-request-id`, else
 * a fresh one): on the refusal or the 101, and on the log lines of the refusal or of the session opened.
 */
const requestIds = new WeakMap<IncomingMessage, string>();
function requestIdFor(req: IncomingMessage): string {
  let id = requestIds.get(req);
  if (id === undefined) {
    id = requestIdOf(req);
    requestIds.set(req, id);
  }
  return id;
}

// Listeners shared by every socket (called with the socket as `this`): tens of thousands of sockets
// hold no closure of their own for them.
function destroyOnError(this: Duplex): void {
  this.destroy();
}
function ignoreError(): void {}

function bearer(req: IncomingMessage): string | undefined {
  return bearerToken(req.headers.authorization);
}

/**
 * The two WebSocket endpoints on the HTTP server: `/s2/v1/ws` for RMs and `/cem/v1/ws` for tenants'
 * CEM software. `ws` in noServer mode, so that each upgrade is authenticated (a Redis or database
 * look-up) before any socket opens, and refused with a plain 401 otherwise.
 */
@Injectable()
export class UpgradeListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    clientTracking: false,
    perMessageDeflate: PER_MESSAGE_DEFLATE,
  });
  readonly keepalive: Keepalive;
  private readonly refused: Counter<'endpoint' | 'status'>;
  private readonly accepted: Counter<'endpoint'>;
  private readonly logger: Logger;
  private readonly sessionStarts: Metrics['sessionStarts'];

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly adapterHost: HttpAdapterHost,
    private readonly node: GatewayNode,
    private readonly websocketTokens: WebsocketTokenStore,
    private readonly tenantAuth: TenantAuthService,
    private readonly cemNodes: CemNodeRepository,
    private readonly pairings: PairingRepository,
    private readonly drain: DrainService,
    private readonly admission: SessionAdmission,
    private readonly removals: RecentRemovals,
    metrics: Metrics,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'upgrade' });
    this.sessionStarts = metrics.sessionStarts;
    this.accepted = new Counter({
      name: 's2b_ws_upgrades_accepted_total',
      help: 'WebSocket upgrades that opened a socket, by endpoint (rm, cem)',
      labelNames: ['endpoint'] as const,
      registers: [metrics.registry],
    });
    this.accepted.inc({ endpoint: 'rm' }, 0);
    this.accepted.inc({ endpoint: 'cem' }, 0);
    this.refused = new Counter({
      name: 's2b_ws_upgrades_refused_total',
      help: 'WebSocket upgrades answered with an HTTP status instead of a socket, by endpoint and status',
      labelNames: ['endpoint', 'status'] as const,
      registers: [metrics.registry],
    });
    this.keepalive = new Keepalive(config.wsPingIntervalMs, config.wsIdleTimeoutMs);
    this.wss.on('headers', (headers: string[], req: IncomingMessage) =>
      headers.push(`${REQUEST_ID_HEADER}: ${requestIdFor(req)}`),
    );
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', destroyOnError);
      // Whatever failed here is an outage of PostgreSQL or Redis, or a bug: neither is the caller's fault.
      this.upgrade(req, socket, head).catch((error: unknown) =>
        this.refuse(req, socket, 503, 'try again later', { err: error }),
      );
    });
    this.keepalive.start();
  }

  onApplicationShutdown(): void {
    this.keepalive.stop();
    this.wss.close();
  }

  private refuse(req: IncomingMessage, socket: Duplex, status: number, message: string, who: Refused = {}): void {
    const endpoint = endpointOf(req);
    const { outcome, err, ...ids } = who;
    this.refused.inc({ endpoint, status: String(status) });
    if (endpoint === 'rm')
      this.sessionStarts.inc({ step: 'upgrade', outcome: outcome ?? UPGRADE_OUTCOMES[status] ?? 'refused' });
    const requestId = requestIdFor(req);
    // The reason is ours, never the caller's token or query: those carry credentials.
    const fields = { requestId, ...ids, endpoint, status, reason: message };
    if (err === undefined) this.logger.info(fields, 'WebSocket upgrade refused');
    else this.logger.warn({ ...fields, err }, 'WebSocket upgrade refused');
    refuse(socket, status, message, requestId);
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname !== '/s2/v1/ws' && url.pathname !== '/cem/v1/ws')
      return this.refuse(req, socket, 404, 'no WebSocket endpoint here');
    if (this.drain.draining) return this.refuse(req, socket, 503, 'this replica is shutting down');
    const token = bearer(req);
    if (token === undefined) return this.refuse(req, socket, 401, 'a bearer token is required');
    if (url.pathname === '/s2/v1/ws') {
      const grant = await this.websocketTokens.consume(token);
      if (!grant) return this.refuse(req, socket, 401, 'websocket token not accepted');
      // A token names its pairing: once that is gone (unpaired, paired again, its node or tenant
      // deleted), the token opens nothing, however young it is.
      const lookedUpAt = Date.now();
      const live = await this.pairings.livePolicy(grant.pairingId);
      const { tenantId, rmNodeId } = grant;
      if (!live)
        return this.refuse(req, socket, 401, 'websocket token not accepted: the pairing is gone', {
          tenantId,
          rmNodeId,
          outcome: 'no_longer_paired',
        });
      const { admission, history } = await this.admission.admit(live.policy, tenantId, rmNodeId);
      if (admission === 'tenant-unavailable')
        return this.refuse(req, socket, 403, 'the tenant of this CEM node is not active', {
          tenantId,
          rmNodeId,
          outcome: 'tenant_unavailable',
        });
      if (admission === 'quota-reached')
        return this.refuse(req, socket, 403, "the tenant's limit of live sessions is reached", {
          tenantId,
          rmNodeId,
          outcome: 'quota_reached',
        });
      return this.accept(req, socket, head, async (ws) => {
        const rm = this.node.openRm(grant, ws, history, live.descriptions, requestIdFor(req));
        ws.on('message', (data, isBinary) => {
          markSeen(ws);
          this.node.onRmFrame(rm, isBinary ? '\u0000' : data.toString());
        });
        ws.on('close', () => {
          this.node.closedRm(rm, rm.closeReason ?? 'closed').catch(() => undefined);
        });
        // Now that the session is in the hub, a removal heard since the look-up closes it: its event
        // came before this replica could find the session (see RecentRemovals).
        const removed = this.removals.since(lookedUpAt, grant);
        if (removed) closeRm(rm, removed.code, removed.reason, 'RECONNECT');
      });
    }
    let principal: TenantPrincipal;
    try {
      principal = await this.tenantAuth.verifyTenantJwt(token);
    } catch (error) {
      // Only a token that is wrong is 401; a database that cannot say (thrown on) is "try again later".
      if (error instanceof TenantTokenRejectedError) return this.refuse(req, socket, 401, 'tenant token not accepted');
      throw error;
    }
    const { tenantId } = principal;
    const filter = url.searchParams.getAll('cemNodeId');
    for (const id of filter) {
      if (!(await this.cemNodes.findInTenant(tenantId, id)))
        return this.refuse(req, socket, 404, `no CEM node ${id.slice(0, 64)} in this tenant`, { tenantId });
    }
    return this.accept(req, socket, head, async (ws) => {
      const channel = this.node.openChannel(principal, filter.length > 0 ? filter : null, ws, requestIdFor(req));
      ws.on('message', (data) => {
        markSeen(ws);
        this.node.onChannelFrame(channel, data.toString());
      });
      ws.on('close', () => {
        this.node.closedChannel(channel).catch(() => undefined);
      });
    });
  }

  private accept(req: IncomingMessage, socket: Duplex, head: Buffer, open: (ws: WebSocket) => Promise<void>): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const endpoint = endpointOf(req);
      this.accepted.inc({ endpoint });
      if (endpoint === 'rm') this.sessionStarts.inc({ step: 'upgrade', outcome: 'ok' });
      // A protocol error (a frame over the limit, bad framing) closes the socket with its code; as an
      // unhandled 'error' event it would take the whole process down.
      ws.on('error', ignoreError);
      this.keepalive.add(ws);
      // Frames that arrive while the session is being set up wait in ws until listeners exist.
      ws.pause();
      open(ws)
        .then(() => ws.resume())
        .catch(() => ws.close(1011, 'internal error'));
    });
  }
}

/** The session-start outcome of an RM upgrade refused with this status, unless the refusal names another. */
const UPGRADE_OUTCOMES: Record<number, string> = { 401: 'unauthorized', 404: 'not_found', 503: 'unavailable' };

function endpointOf(req: IncomingMessage): 'rm' | 'cem' | 'other' {
  const path = req.url?.split('?', 1)[0];
  return path === '/s2/v1/ws' ? 'rm' : path === '/cem/v1/ws' ? 'cem' : 'other';
}
