// How long routing takes to come back after a Redis failover, as both sides of the traffic see it.
import type { FaultCem, FaultRm } from './fault-peers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `peer` received the message with this id (S2 messages carry it as message_id). */
function received(peer: FaultRm | FaultCem, id: string): boolean {
  return peer.received.some((frame) => {
    const message = (frame['message'] ?? frame) as Record<string, unknown>;
    return message['message_id'] === id;
  });
}

/** Resolves once a message sent now is delivered both ways: the newest each side sent, asked again until one is. */
export async function routingBack(rm: FaultRm, cem: FaultCem, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    const up = rm.sent.at(-1)?.id;
    const down = cem.sent.filter((sent) => sent.to === rm.rmNodeId).at(-1)?.id;
    await sleep(500);
    if (up !== undefined && down !== undefined && received(cem, up) && received(rm, down)) return;
  }
  throw new Error('routing did not come back after the failover');
}
