import type { Ack, Delivered, Query } from '#cluster';
import { type HistoryPolicy, type InspectedDirection, type InspectedVerdict, inspectedMessageText } from '#inspection';
import { type MessageDirection, type MessageOutcome, type MessageTypeTallies, type Tally } from '#observability';
import { messageTypesOf, S2_JSON_VERSIONS } from '#s2-json';
import { DELIVER_WITHIN_MS } from '../limits.js';
import { type Outcome, RecentDeliveries } from './outcomes.js';
import type { RoutingContext } from './routing-context.js';

export type Counted = Record<'rmToCem' | 'cemToRm', Record<MessageOutcome, Tally>>;

/**
 * What both directions of delivery share: the counts of how messages ended, the memory of what this
 * replica wrote for other replicas' messages (to write a message Redis carried twice once, and to answer
 * a sender that asks), the acknowledgements, and the entries for the inspector and the history.
 *
 * A message from another replica is marked `written` when it is handed to its socket and `pending` until
 * the socket says it reached the operating system (see WriteLedger); only then is it acknowledged
 * `delivered`. One lost with its socket is forgotten and acknowledged `gone`.
 */
export class DeliveryCore {
  readonly written = new RecentDeliveries();
  readonly pending = new RecentDeliveries();
  readonly counted: Counted;
  /** Messages read from each side by the type they name. */
  readonly types: Record<'rmToCem' | 'cemToRm', MessageTypeTallies>;

  constructor(private readonly ctx: RoutingContext) {
    const outcomes = (direction: MessageDirection) => ({
      delivered: ctx.metrics.messageCounter(direction, 'delivered'),
      rejected: ctx.metrics.messageCounter(direction, 'rejected'),
      temporary_error: ctx.metrics.messageCounter(direction, 'temporary_error'),
    });
    this.counted = { rmToCem: outcomes('rm_to_cem'), cemToRm: outcomes('cem_to_rm') };
    const known = new Set(S2_JSON_VERSIONS.flatMap((version) => messageTypesOf(version)));
    this.types = {
      rmToCem: ctx.metrics.messageTypes('rm_to_cem', known),
      cemToRm: ctx.metrics.messageTypes('cem_to_rm', known),
    };
  }

  /** A message from another replica is handed to its socket. */
  handedOver(from: string, id: number): void {
    this.written.add(from, id);
    this.pending.add(from, id);
  }

  /** Its socket said whether it reached the operating system: the sender hears now. */
  readonly settleHandedOver = (ok: boolean, from: string, id: number): void => {
    this.pending.delete(from, id);
    if (!ok) this.written.delete(from, id);
    this.ack(from, id, ok ? 'delivered' : 'gone');
  };

  ack(from: string, id: number, outcome: Outcome, reply?: string): void {
    this.ctx.bus.send(from, reply === undefined ? { kind: 'ack', id, outcome } : { kind: 'ack', id, outcome, reply });
  }

  onAck(envelope: Ack): void {
    this.ctx.outcomes.settle(envelope.id, envelope.outcome, envelope.reply);
  }

  onDelivered(envelope: Delivered): void {
    for (const id of envelope.ids) this.ctx.outcomes.settle(id, 'delivered');
  }

  /**
   * Asked DELIVERY_TIMEOUT_MS after sending. A message still on its way to its peer is answered when it
   * gets there (or is lost); one never written by now never will be (it arrived too late).
   */
  onQuery(envelope: Query): void {
    for (const id of envelope.ids) {
      if (this.pending.has(envelope.from, id)) continue;
      this.ack(envelope.from, id, this.written.has(envelope.from, id) ? 'delivered' : 'gone');
    }
  }

  /** An entry for the inspector's tap and the history: only for what `observer.observes`. */
  observe(
    rm: { rmNodeId: string; history: HistoryPolicy | null },
    direction: InspectedDirection,
    sessionId: string,
    verdict: InspectedVerdict,
    text: string,
    isJson: boolean,
    reply?: string,
  ): void {
    const head = { at: Date.now(), direction, rmNodeId: rm.rmNodeId, sessionId, verdict };
    this.ctx.observer.record(rm.rmNodeId, rm.history, inspectedMessageText(head, text, isJson, reply));
  }
}

/**
 * A message older than DELIVER_WITHIN_MS when it reaches the other replica is not delivered but answered
 * `gone`: its sender may be about to give up on it.
 */
export function arrivedTooLate(sentAt: number): boolean {
  return Date.now() - sentAt > DELIVER_WITHIN_MS;
}
