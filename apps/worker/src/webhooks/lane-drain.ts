import type { LaneHead, TryOutcome } from '#store';
import { webhookBackoffMs } from '#webhooks';
import type { SendResult } from './webhook-sender.js';

export interface LaneDrainDeps {
  deliveries: {
    head(laneId: string): Promise<LaneHead | undefined>;
    delivered(id: string, outcome: TryOutcome): Promise<void>;
    failed(id: string, outcome: TryOutcome, dead: boolean): Promise<void>;
  };
  send(delivery: LaneHead, at: Date): Promise<SendResult>;
  now(): Date;
  policy: { maxAttempts: number; backoffBaseMs: number; backoffMaxMs: number };
  /** Told of every failed try, for the log. */
  onFailure?(head: LaneHead, outcome: TryOutcome, dead: boolean): void;
  /** Told of every delivery its receiver took. */
  onDelivered?(head: LaneHead): void;
}

/**
 * Sends a lane's pending deliveries in sequence order until none is left (undefined), `stop()` says
 * so (undefined), or a try fails and the head must wait: then the wait before the next try. A delivery
 * that used up its tries becomes a dead letter and the lane goes on with the next one.
 */
export async function drainLane(
  laneId: string,
  deps: LaneDrainDeps,
  stop: () => boolean,
): Promise<{ retryInMs: number; tenantId: string } | undefined> {
  while (!stop()) {
    const head = await deps.deliveries.head(laneId);
    if (!head || !head.endpoint.enabled) return undefined;
    const at = deps.now();
    const result = await deps.send(head, at);
    const outcome = { attempts: head.attempts + 1, status: result.status, error: result.error, at };
    if (result.ok) {
      await deps.deliveries.delivered(head.id, outcome);
      deps.onDelivered?.(head);
      continue;
    }
    const dead = outcome.attempts >= deps.policy.maxAttempts;
    await deps.deliveries.failed(head.id, outcome, dead);
    deps.onFailure?.(head, outcome, dead);
    if (!dead) {
      return {
        retryInMs: webhookBackoffMs(outcome.attempts, deps.policy.backoffBaseMs, deps.policy.backoffMaxMs),
        tenantId: head.tenantId,
      };
    }
  }
  return undefined;
}
