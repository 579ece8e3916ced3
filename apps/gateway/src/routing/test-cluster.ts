// For specs: gateway replicas in one process, on the in-memory replica bus and session directory, with
// sockets that record what is written to them. Routing across replicas runs in milliseconds.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { WebSocket } from 'ws';
import { InMemoryNetwork, InMemorySessionDirectory } from '#cluster';
import type { CemHoldSettings } from '#config';
import type { WebsocketGrant } from '#connect-state';
import { Metrics } from '#observability';
import { GatewayNode } from './gateway-node.js';
import type { LocalChannel, LocalRm } from './local-hub.js';
import type { HistoryPolicy, InspectedMessage } from '#inspection';
import { MessageObserver, PairingLookup, type SessionRef, SessionEventSink } from './ports.js';

/** The routing specs that do not test the hold run without it, as the broker does at CEM_HOLD_SECONDS=0. */
export const HOLD_OFF: CemHoldSettings = {
  ms: 0,
  maxMessagesPerSession: 100,
  maxBytesPerSession: 256 * 1024,
  maxMessages: 100_000,
  maxBytes: 32 * 1024 * 1024,
};

/** A peer's end of a socket: frames written to it, parsed, and how it was closed. */
export class FakeSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly frames: Record<string, unknown>[] = [];
  closed?: { code: number; reason: string };
  onClose: () => void = () => undefined;

  /** Frames written while the peer does not read wait here, as in a full socket buffer. */
  private stalled: { frame: string; callback?: (error?: Error) => void }[] | undefined;
  private readonly closeListeners: (() => void)[] = [];

  send(frame: string, callback?: (error?: Error) => void): void {
    if (this.stalled !== undefined) {
      this.stalled.push({ frame, callback });
      this.bufferedAmount += frame.length;
      return;
    }
    this.frames.push(JSON.parse(frame) as Record<string, unknown>);
    // As ws does: the callback once the bytes are with the operating system, never in the same turn.
    if (callback) queueMicrotask(() => callback());
  }

  /** The peer stops reading. */
  stall(): void {
    this.stalled ??= [];
  }

  /** The peer reads again: what waited reaches it. */
  resume(): void {
    const waiting = this.stalled ?? [];
    this.stalled = undefined;
    this.bufferedAmount = 0;
    for (const { frame, callback } of waiting) this.send(frame, callback);
  }

  once(event: string, listener: () => void): this {
    if (event === 'close') this.closeListeners.push(listener);
    return this;
  }

  close(code: number, reason: string): void {
    if (this.readyState !== 1) return;
    this.readyState = 3;
    this.closed = { code, reason };
    queueMicrotask(() => {
      // What was still waiting never reached the peer.
      for (const { callback } of this.stalled ?? []) callback?.(new Error('closed'));
      this.stalled = undefined;
      this.onClose();
      for (const listener of this.closeListeners) listener();
    });
  }

  terminate(): void {
    this.close(1006, '');
  }

  ping(): void {}

  /** The frames of one CEM channel frame type, or the S2 messages of one type. */
  of(type: string): Record<string, unknown>[] {
    return this.frames.filter((f) => f['type'] === type || f['message_type'] === type);
  }
}

class RecordedEvents extends SessionEventSink {
  readonly events: string[] = [];
  override opened(rmNodeId: string): void {
    this.events.push(`opened ${rmNodeId}`);
  }
  override closed(rmNodeId: string, _session: SessionRef, reason: string): void {
    this.events.push(`closed ${rmNodeId} ${reason}`);
  }
}

class FakePairings extends PairingLookup {
  readonly paired = new Map<string, { tenantId: string; cemNodeId: string }>();
  override async descriptions(): Promise<{ rmNodeDescription: unknown; rmEndpointDescription: unknown }> {
    return { rmNodeDescription: { brand: 'Volta' }, rmEndpointDescription: { name: 'Volta cloud' } };
  }
  override async findInTenant(tenantId: string, rmNodeId: string): Promise<{ cemNodeId: string } | undefined> {
    const pairing = this.paired.get(rmNodeId);
    return pairing?.tenantId === tenantId ? pairing : undefined;
  }
}

/** Watches the RMs a test names, and keeps every entry it is given. */
class RecordingObserver extends MessageObserver {
  readonly watched = new Set<string>();
  readonly entries: { rmNodeId: string; history: HistoryPolicy | null; entry: InspectedMessage }[] = [];
  readonly forgotten: string[] = [];
  override observes(rmNodeId: string, history: HistoryPolicy | null): boolean {
    return history !== null || this.watched.has(rmNodeId);
  }
  override record(rmNodeId: string, history: HistoryPolicy | null, entry: string): void {
    this.entries.push({ rmNodeId, history, entry: JSON.parse(entry) as InspectedMessage });
  }
  override forget(rmNodeIds: readonly string[]): void {
    this.forgotten.push(...rmNodeIds);
  }
}

export interface RmPeer {
  readonly rm: LocalRm;
  readonly socket: FakeSocket;
  send(message: Record<string, unknown>): void;
  sendText(text: string): void;
}

export interface ChannelPeer {
  readonly channel: LocalChannel;
  readonly socket: FakeSocket;
  send(rmNodeId: string, message: Record<string, unknown>): void;
}

export class TestCluster {
  readonly network = new InMemoryNetwork();
  readonly directory = new InMemorySessionDirectory();
  readonly pairings = new FakePairings();
  readonly events = new RecordedEvents();
  readonly observer = new RecordingObserver();
  readonly nodes = new Map<string, GatewayNode>();

  constructor(replicas: string[], options: { cemHold?: CemHoldSettings } = {}) {
    const logger = pino({ level: 'silent' });
    for (const name of replicas) {
      const node = new GatewayNode(
        this.network.bus(name),
        this.directory,
        this.pairings,
        this.events,
        logger,
        new Metrics(),
        this.observer,
        { cemHold: options.cemHold ?? HOLD_OFF },
      );
      this.nodes.set(name, node);
    }
  }

  node(replica: string): GatewayNode {
    const node = this.nodes.get(replica);
    if (!node) throw new Error(`no replica ${replica}`);
    return node;
  }

  connectRm(
    replica: string,
    grant: Partial<WebsocketGrant> & { tenantId: string },
    history: HistoryPolicy | null = null,
  ): RmPeer {
    const node = this.node(replica);
    const socket = new FakeSocket();
    const full: WebsocketGrant = {
      pairingId: randomUUID(),
      cemNodeId: 'cem-1',
      rmNodeId: randomUUID(),
      s2Version: 'v0.0.2-beta',
      ...grant,
    };
    this.pairings.paired.set(full.rmNodeId, { tenantId: full.tenantId, cemNodeId: full.cemNodeId });
    const rm = node.openRm(full, socket as unknown as WebSocket, history);
    socket.onClose = () => void node.closedRm(rm, rm.closeReason ?? 'closed');
    return {
      rm,
      socket,
      send: (message) => node.onRmFrame(rm, JSON.stringify(message)),
      sendText: (text) => node.onRmFrame(rm, text),
    };
  }

  connectChannel(replica: string, tenantId: string, cemNodeIds: string[] | null = null): ChannelPeer {
    const node = this.node(replica);
    const socket = new FakeSocket();
    const channel = node.openChannel(
      { tenantId, serviceAccountId: randomUUID() },
      cemNodeIds,
      socket as unknown as WebSocket,
    );
    socket.onClose = () => void node.closedChannel(channel);
    return {
      channel,
      socket,
      send: (rmNodeId, message) => node.onChannelFrame(channel, JSON.stringify({ type: 'message', rmNodeId, message })),
    };
  }
}

/** Lets every queued microtask, immediate and short timer run, until routing has nothing left to do. */
export async function settle(rounds = 100): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
