import type { Envelope } from './envelopes.js';
import { ReplicaBus } from './replica-bus.js';
import { decodeBatch, encodeBatch } from './wire.js';

/**
 * Several replicas in one process, for tests: what Redis pub/sub and the heartbeats are to the broker.
 * Envelopes travel through the same wire encoding, one microtask later, in the order each sender sent
 * them; `kill` makes a replica fall silent (it hears nothing and says nothing) and, once `declareDead`,
 * look dead to the others, as a pod that was killed does to the reaper.
 */
export class InMemoryNetwork {
  private readonly inboxes = new Map<string, (envelope: Envelope) => void>();
  private readonly silent = new Set<string>();
  private readonly dead = new Set<string>();
  /** Envelopes held back on their way to a replica, as a slow link or a Redis stall would. */
  private readonly held = new Map<string, Envelope[]>();
  /** `from to`: envelopes on that way are lost, as on a link that went down. */
  private readonly cut = new Set<string>();
  private readonly lossListeners: (() => void)[] = [];
  /** Every envelope sent, for tests that look at what crossed. */
  readonly sent: { from: string; to: string; envelope: Envelope }[] = [];

  bus(replicaId: string): InMemoryReplicaBus {
    return new InMemoryReplicaBus(this, replicaId);
  }

  listen(replicaId: string, handler: (envelope: Envelope) => void): void {
    this.inboxes.set(replicaId, handler);
  }

  deliver(from: string, to: string, envelope: Envelope): void {
    if (this.silent.has(from)) return;
    this.sent.push({ from, to, envelope });
    if (this.cut.has(`${from} ${to}`)) return;
    const [copy] = decodeBatch(encodeBatch([envelope])) as [Envelope];
    const held = this.held.get(to);
    if (held !== undefined) held.push(copy);
    else queueMicrotask(() => this.arrive(to, copy));
  }

  private arrive(to: string, envelope: Envelope): void {
    const inbox = this.inboxes.get(to);
    if (inbox !== undefined && !this.silent.has(to)) inbox(envelope);
  }

  /** Envelopes for the replica wait until `release`. */
  hold(replicaId: string): void {
    if (!this.held.has(replicaId)) this.held.set(replicaId, []);
  }

  /** What waited for the replica arrives, in order; `twice` delivers each a second time, as a resent command would. */
  release(replicaId: string, { twice = false } = {}): void {
    const held = this.held.get(replicaId) ?? [];
    this.held.delete(replicaId);
    for (const envelope of held) {
      this.arrive(replicaId, envelope);
      if (twice) this.arrive(replicaId, envelope);
    }
  }

  onStateLost(listener: () => void): void {
    this.lossListeners.push(listener);
  }

  /** The shared state is lost (as when Redis restarts empty): every replica hears it, as at a heartbeat. */
  stateLost(): void {
    for (const listener of this.lossListeners) listener();
  }

  /** Envelopes from `from` to `to` are lost until `mend`. */
  cutLink(from: string, to: string): void {
    this.cut.add(`${from} ${to}`);
  }

  mendLink(from: string, to: string): void {
    this.cut.delete(`${from} ${to}`);
  }

  /** The replica stops at once, as after kill -9: nothing in, nothing out. */
  kill(replicaId: string): void {
    this.silent.add(replicaId);
  }

  /** Its heartbeat has gone stale: the others now see it dead. */
  declareDead(replicaId: string): void {
    this.kill(replicaId);
    this.dead.add(replicaId);
  }

  isAlive(replicaId: string): boolean {
    return this.inboxes.has(replicaId) && !this.dead.has(replicaId);
  }

  isReachable(replicaId: string): boolean {
    return this.isAlive(replicaId) && !this.silent.has(replicaId);
  }

  deadReplicas(): string[] {
    return [...this.dead].filter((replica) => this.inboxes.has(replica));
  }

  forget(replicaId: string): void {
    this.inboxes.delete(replicaId);
  }
}

export class InMemoryReplicaBus extends ReplicaBus {
  constructor(
    private readonly network: InMemoryNetwork,
    override readonly replicaId: string,
  ) {
    super();
    network.listen(replicaId, () => undefined);
  }

  override onMessage(handler: (envelope: Envelope) => void): void {
    this.network.listen(this.replicaId, handler);
  }

  override send(replica: string, envelope: Envelope): void {
    this.network.deliver(this.replicaId, replica, envelope);
  }

  override async isAlive(replica: string): Promise<boolean> {
    return this.network.isAlive(replica);
  }

  override async isReachable(replica: string): Promise<boolean> {
    return this.network.isReachable(replica);
  }

  override async deadReplicas(): Promise<string[]> {
    return this.network.deadReplicas();
  }

  override async forget(replica: string): Promise<void> {
    this.network.forget(replica);
  }

  override onStateLost(handler: () => void): void {
    this.network.onStateLost(handler);
  }
}
