// Every message's outcome, from what the peers sent and received: delivered (to the other side, in
// order), answered (a ReceptionStatus or an error frame from the broker to the sender), cut off (neither,
// and the sender's connection ended without the sender closing it: cut, or closed by the broker, after
// which nothing more can be answered on it; the sender sees its connection go and knows its last messages
// are in doubt), or lost.
import type { FaultCem, FaultRm, Sent } from './fault-peers.js';

export interface Outcomes {
  sent: number;
  delivered: number;
  answered: number;
  /** Sent on a connection that then ended without its sender closing it, with no outcome. */
  cut: number;
  lost: number;
  /** Delivered more than once (a replica died after writing it, before its acknowledgement). */
  duplicates: number;
  /** Delivered out of the order it was sent in. */
  outOfOrder: number;
  /** Both delivered and answered. */
  twoOutcomes: number;
  /**
   * What a sender saw of refusals: from the first message the broker answered (refused) to the last, in
   * ms; 0 when none was. A sender that sends every 50 ms and gets one refusal shows 0.
   */
  refusedFirstAt: number;
  refusedLastAt: number;
}

/** What a sender's own close of its connection leaves: no status (1005), or normal (1000). */
const CLOSED_BY_SENDER = new Set([1000, 1005]);

function count(ids: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

function tally(
  sent: readonly Sent[],
  closes: readonly number[],
  delivered: string[],
  answered: Set<string>,
  orderOf: (id: string) => string,
): Outcomes {
  const deliveries = count(delivered);
  const outcome: Outcomes = {
    sent: sent.length,
    delivered: 0,
    answered: 0,
    cut: 0,
    lost: 0,
    duplicates: 0,
    outOfOrder: 0,
    twoOutcomes: 0,
    refusedFirstAt: Infinity,
    refusedLastAt: -Infinity,
  };
  for (const { id, socket, at } of sent) {
    const times = deliveries.get(id) ?? 0;
    const wasAnswered = answered.has(id);
    if (times > 0 && wasAnswered) outcome.twoOutcomes++;
    if (times > 1) outcome.duplicates++;
    if (times > 0) outcome.delivered++;
    else if (wasAnswered) {
      outcome.answered++;
      outcome.refusedFirstAt = Math.min(outcome.refusedFirstAt, at);
      outcome.refusedLastAt = Math.max(outcome.refusedLastAt, at);
    } else if (closes[socket] !== undefined && !CLOSED_BY_SENDER.has(closes[socket] as number)) outcome.cut++;
    else outcome.lost++;
  }
  // Per connection of a sender (an RM's session, or a CEM channel towards one RM), first deliveries follow
  // the sending order; messages sent on different connections have no order between them.
  const position = new Map(sent.map(({ id }, i) => [id, i]));
  const socketOf = new Map(sent.map(({ id, socket }) => [id, socket]));
  const lastBy = new Map<string, number>();
  const seen = new Set<string>();
  for (const id of delivered) {
    if (seen.has(id) || !position.has(id)) continue;
    seen.add(id);
    const at = position.get(id) as number;
    const key = `${orderOf(id)} ${String(socketOf.get(id))}`;
    const last = lastBy.get(key) ?? -1;
    if (last > at) {
      outcome.outOfOrder++;
      if (process.env['FAULTS_DEBUG']) process.stdout.write(`out of order: ${key} sent #${at} after #${last}\n`);
    } else lastBy.set(key, at);
  }
  return outcome;
}

type Frame = Record<string, unknown>;
const s2 = (frame: Frame) => frame['message'] as Frame | undefined;

/** RM to CEM: what the RMs sent, against what the CEM channels got and what the broker answered. */
export function rmToCem(rms: readonly FaultRm[], cem: FaultCem): Outcomes {
  const delivered = cem.received.filter((f) => f['type'] === 'message').map((f) => String(s2(f)?.['message_id']));
  const sender = new Map<string, string>();
  for (const rm of rms) for (const { id } of rm.sent) sender.set(id, rm.rmNodeId);
  const totals = emptyOutcomes();
  for (const rm of rms) {
    const answered = new Set(
      rm.received.filter((f) => f['message_type'] === 'ReceptionStatus').map((f) => String(f['subject_message_id'])),
    );
    const mine = delivered.filter((id) => sender.get(id) === rm.rmNodeId);
    add(
      totals,
      tally(rm.sent, rm.sockets.closes, mine, answered, () => rm.rmNodeId),
    );
  }
  return totals;
}

/** CEM to RM: what the CEM sent, against what the RMs got and what the broker answered on the channel. */
export function cemToRm(rms: readonly FaultRm[], cem: FaultCem): Outcomes {
  const targetOf = new Map(cem.sent.map(({ id, to }) => [id, to ?? '']));
  const delivered = rms.flatMap((rm) =>
    rm.received.filter((f) => f['message_type'] !== 'ReceptionStatus').map((f) => String(f['message_id'])),
  );
  const answered = new Set<string>();
  for (const frame of cem.received) {
    const message = s2(frame);
    if (frame['type'] === 'message' && message?.['message_type'] === 'ReceptionStatus')
      answered.add(String(message['subject_message_id']));
    if (frame['type'] === 'error') answered.add(String(frame['messageId'] ?? frame['ref']));
  }
  return tally(cem.sent, cem.sockets.closes, delivered, answered, (id) => targetOf.get(id) ?? '');
}

export function emptyOutcomes(): Outcomes {
  return {
    sent: 0,
    delivered: 0,
    answered: 0,
    cut: 0,
    lost: 0,
    duplicates: 0,
    outOfOrder: 0,
    twoOutcomes: 0,
    refusedFirstAt: Infinity,
    refusedLastAt: -Infinity,
  };
}

function add(into: Outcomes, more: Outcomes): void {
  for (const key of Object.keys(into) as (keyof Outcomes)[]) {
    if (key === 'refusedFirstAt') into[key] = Math.min(into[key], more[key]);
    else if (key === 'refusedLastAt') into[key] = Math.max(into[key], more[key]);
    else into[key] += more[key];
  }
}

/** The span, in seconds, over which the broker refused the direction's messages (0 when it refused none). */
export function refusalWindowSeconds(o: Outcomes): number {
  return o.answered === 0 ? 0 : Math.round((o.refusedLastAt - o.refusedFirstAt) / 100) / 10;
}

/** The head of the suites' table, for `row`'s lines. */
export const TABLE_HEAD =
  '| scenario | direction | sent | delivered | answered | cut | lost | duplicates | out of order | refused for s |\n' +
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n';

/** One line of the suite's table. */
export function row(scenario: string, direction: string, o: Outcomes): string {
  return `| ${scenario} | ${direction} | ${o.sent} | ${o.delivered} | ${o.answered} | ${o.cut} | ${o.lost} | ${o.duplicates} | ${o.outOfOrder} | ${refusalWindowSeconds(o)} |`;
}

/** Whether every message has an outcome (or was cut off with its connection). */
export function settled(o: Outcomes): boolean {
  return o.lost === 0;
}
