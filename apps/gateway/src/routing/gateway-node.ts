import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { type Envelope, ReplicaBus, SessionDirectory } from '#cluster';
import { CONFIG, type Config } from '#config';
import type { WebsocketGrant } from '#connect-state';
import type { HistoryPolicy } from '#inspection';
import { LOGGER, Metrics, TenantLabels } from '#observability';
import { CemToRm } from './cem-to-rm.js';
import { DeliveryCore } from './delivery-core.js';
import { RmToCem } from './rm-to-cem.js';
import { Interner } from './interner.js';
import { type LocalChannel, LocalHub, type LocalRm } from './local-hub.js';
import { PendingOutcomes } from './outcomes.js';
import { Binding } from './binding.js';
import { Placement } from './placement.js';
import { MessageObserver, PairingLookup, SessionEventSink } from './ports.js';
import type { RoutingContext } from './routing-context.js';
import { slowCloseOf } from '../sockets/sockets.js';
import { Counter } from 'prom-client';

type Handlers = { [K in Envelope['kind']]: (envelope: Extract<Envelope, { kind: K }>) => void };

/**
 * One gateway replica's routing: the sockets it holds (the hub), where sessions are bound (placement)
 * and how messages reach the other side (delivery), joined to the other replicas by the replica bus.
 * The edges (the WebSocket upgrade, the event stream, the reaper, the drain) talk to this alone.
 */
@Injectable()
export class GatewayNode {
  readonly hub = new LocalHub();
  private readonly placement: Placement;
  private readonly binding: Binding;
  private readonly rmToCem: RmToCem;
  private readonly cemToRm: CemToRm;
  private readonly outcomes: PendingOutcomes;
  private readonly logger: Logger;
  private readonly slowCloses: Counter<'peer'>;
  private readonly replicasLost: Counter;

  constructor(
    private readonly bus: ReplicaBus,
    directory: SessionDirectory,
    pairings: PairingLookup,
    sessionEvents: SessionEventSink,
    @Inject(LOGGER) logger: Logger,
    metrics: Metrics,
    private readonly observer: MessageObserver,
    @Inject(CONFIG) config: Pick<Config, 'cemHold'> & Partial<Pick<Config, 'metricsTenants'>>,
  ) {
    this.outcomes = new PendingOutcomes(
      (replica, ids) => bus.send(replica, { kind: 'query', from: bus.replicaId, ids }),
      (replica) => bus.isReachable(replica),
    );
    this.logger = logger.child({ component: 'router' });
    this.replicasLost = new Counter({
      name: 's2b_replicas_lost_total',
      help: 'Gateway replicas this one reaped: they stopped heartbeating without finishing a drain',
      registers: [metrics.registry],
    });
    this.slowCloses = new Counter({
      name: 's2b_slow_closes_total',
      help: 'Sockets closed as slow (1013) because the peer stopped reading, by peer kind',
      labelNames: ['peer'] as const,
      registers: [metrics.registry],
    });
    // Both series exist from the start, so the first slow close is a rise Prometheus can see.
    this.slowCloses.inc({ peer: 'rm' }, 0);
    this.slowCloses.inc({ peer: 'cem' }, 0);
    const ctx: RoutingContext = {
      bus,
      directory,
      hub: this.hub,
      pairings,
      sessionEvents,
      logger: this.logger,
      metrics,
      outcomes: this.outcomes,
      names: new Interner(),
      observer,
    };
    const core = new DeliveryCore(ctx);
    const binding = (this.binding = new Binding(ctx));
    const placement = (this.placement = new Placement(ctx, binding));
    const rmToCem = (this.rmToCem = new RmToCem(ctx, core, config.cemHold));
    const cemToRm = (this.cemToRm = new CemToRm(ctx, core));
    placement.onBound = (rm) => rmToCem.bound(rm);
    placement.onEnded = (rm) => rmToCem.ended(rm);
    // Each kind of envelope has one receiver.
    const handlers: Handlers = {
      'to-cem': (e) => rmToCem.onToCem(e),
      'to-rm': (e) => cemToRm.onToRm(e),
      ack: (e) => core.onAck(e),
      delivered: (e) => core.onDelivered(e),
      query: (e) => core.onQuery(e),
      'save-snapshot': (e) => binding.onSaveSnapshot(e),
      'session-open': (e) => binding.onSessionOpen(e),
      'session-closed': (e) => binding.onSessionClosed(e),
      bound: (e) => placement.onBoundEnvelope(e),
      'close-rm': (e) => placement.onCloseRm(e),
    };
    bus.onStateLost(() => {
      placement.restore().catch((error: unknown) => ctx.logger.error({ err: error }, 'registering again failed'));
    });
    bus.onMessage((envelope) => (handlers[envelope.kind] as (e: Envelope) => void)(envelope));
    metrics.gaugeOf('s2b_rm_sessions', 'RM sessions whose socket this replica holds', () => this.hub.rmCount);
    metrics.gaugeOf('s2b_cem_channels', 'CEM channels whose socket this replica holds', () => this.hub.channelCount);
    const tenants = new TenantLabels(config.metricsTenants ?? []);
    metrics.tenantGaugeOf(
      's2b_rm_sessions_by_tenant',
      'RM sessions this replica holds, by tenant (those in METRICS_TENANTS, else other)',
      tenants,
      () => this.hub.rms(),
    );
    metrics.tenantGaugeOf(
      's2b_cem_channels_by_tenant',
      'CEM channels this replica holds, by tenant (those in METRICS_TENANTS, else other)',
      tenants,
      () => this.hub.channels(),
    );
    metrics.gaugeOf(
      's2b_pending_deliveries',
      'messages sent to another replica, awaiting their outcome',
      () => this.outcomes.size,
    );
    metrics.gaugeOf('s2b_cem_hold_messages', 'RM messages held for a CEM channel', () => rmToCem.hold.size);
    metrics.gaugeOf('s2b_cem_hold_bytes', 'bytes of RM messages held for a CEM channel', () => rmToCem.hold.heldBytes);
    const { hold } = rmToCem;
    metrics.counterOf('s2b_cem_hold_released_total', 'held RM messages sent on to a CEM channel', () => hold.released);
    metrics.counterOf(
      's2b_cem_hold_expired_total',
      'RM messages answered TEMPORARY_ERROR by the hold: held too long, or no room in it',
      () => hold.expired,
    );
    metrics.counterOf(
      's2b_cem_hold_dropped_total',
      'held RM messages lost with their session, which ended before a channel took them',
      () => hold.dropped,
    );
  }

  get replicaId(): string {
    return this.bus.replicaId;
  }

  /** Messages sent to other replicas whose outcome is not known yet. */
  get pendingDeliveries(): number {
    return this.outcomes.size;
  }

  openRm(
    grant: WebsocketGrant,
    socket: WebSocket,
    history: HistoryPolicy | null = null,
    descriptions?: string,
    requestId?: string,
  ): LocalRm {
    const rm = this.placement.openRm(grant, socket, history, descriptions);
    this.logger.info(
      { requestId, tenantId: rm.tenantId, cemNodeId: rm.cemNodeId, rmNodeId: rm.rmNodeId, sessionId: rm.sessionId },
      'RM session opened',
    );
    return rm;
  }

  /** The tenant changed its message history policy: its live sessions here follow it at once. */
  setHistory(tenantId: string, history: HistoryPolicy | null): void {
    const rms = this.hub.rms(tenantId);
    for (const rm of rms) rm.history = history;
    if (history === null) this.forgetHistory(rms.map((rm) => rm.rmNodeId));
  }

  /**
   * The RMs' history is to go (their pairing is gone, their tenant keeps none any more): what this
   * replica gathered of them is dropped, and their lists removed after any write of it.
   */
  forgetHistory(rmNodeIds: readonly string[]): void {
    if (rmNodeIds.length > 0) this.observer.forget(rmNodeIds);
  }

  onRmFrame(rm: LocalRm, text: string): void {
    this.rmToCem.onRmFrame(rm, text);
  }

  closedRm(rm: LocalRm, reason: string): Promise<void> {
    const slow = slowCloseOf(rm.socket);
    if (slow !== undefined) {
      this.slowCloses.inc({ peer: 'rm' });
      this.logger.warn(
        { tenantId: rm.tenantId, rmNodeId: rm.rmNodeId, sessionId: rm.sessionId, ...slow },
        'RM closed as slow (1013): it stopped reading; messages not yet written to it were answered to the CEM',
      );
    }
    this.logger.info(
      { tenantId: rm.tenantId, cemNodeId: rm.cemNodeId, rmNodeId: rm.rmNodeId, sessionId: rm.sessionId, reason },
      'RM session closed',
    );
    return this.placement.closedRm(rm, reason);
  }

  openChannel(
    principal: { tenantId: string; serviceAccountId: string },
    cemNodeIds: string[] | null,
    socket: WebSocket,
    requestId?: string,
  ): LocalChannel {
    const channel = this.binding.openChannel(principal, cemNodeIds, socket);
    this.logger.info({ requestId, tenantId: channel.tenantId, channelId: channel.channelId }, 'CEM channel opened');
    return channel;
  }

  onChannelFrame(channel: LocalChannel, text: string): void {
    this.cemToRm.onChannelFrame(channel, text);
  }

  closedChannel(channel: LocalChannel): Promise<void> {
    const slow = slowCloseOf(channel.socket);
    if (slow !== undefined) {
      this.slowCloses.inc({ peer: 'cem' });
      this.logger.warn(
        { tenantId: channel.tenantId, channelId: channel.channelId, ...slow },
        'CEM channel closed as slow (1013): it stopped reading; messages not yet written to it were answered to the RMs',
      );
    }
    this.logger.info({ tenantId: channel.tenantId, channelId: channel.channelId }, 'CEM channel closed');
    return this.binding.closedChannel(channel);
  }

  pairingEvent(tenantId: string, cemNodeId: string, rmNodeId: string, frame: string, removed: boolean): void {
    this.binding.pairingEvent(tenantId, cemNodeId, rmNodeId, frame, removed);
  }

  reap(replica: string): Promise<void> {
    this.replicasLost.inc();
    return this.placement.reap(replica);
  }
}
