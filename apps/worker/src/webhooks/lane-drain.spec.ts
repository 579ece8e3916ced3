import { describe, expect, it } from 'vitest';
import type { LaneHead, TryOutcome } from '#store';
import { drainLane, type LaneDrainDeps } from './lane-drain.js';
import type { SendResult } from './webhook-sender.js';

interface Row {
  id: string;
  seq: number;
  attempts: number;
  status: 'pending' | 'delivered' | 'dead';
}

const policy = { maxAttempts: 3, backoffBaseMs: 100, backoffMaxMs: 1_000 };

/** A lane in memory and a receiver whose answers the test lists, try by try. */
function lane(rows: Row[], answers: boolean[], enabled = true) {
  const sent: string[] = [];
  const deps: LaneDrainDeps = {
    deliveries: {
      head: (laneId) => {
        const row = rows.filter((r) => r.status === 'pending').sort((a, b) => a.seq - b.seq)[0];
        const head: LaneHead | undefined = row && {
          id: row.id,
          tenantId: 't-1',
          laneId,
          rmNodeId: 'rm-1',
          seq: row.seq,
          attempts: row.attempts,
          body: '{}',
          endpoint: { id: 'e-1', url: 'https://x', secret: 's', enabled },
        };
        return Promise.resolve(head);
      },
      delivered: (id: string, outcome: TryOutcome) => {
        Object.assign(rows.find((r) => r.id === id) ?? {}, { status: 'delivered', attempts: outcome.attempts });
        return Promise.resolve();
      },
      failed: (id: string, outcome: TryOutcome, dead: boolean) => {
        Object.assign(rows.find((r) => r.id === id) ?? {}, {
          attempts: outcome.attempts,
          ...(dead ? { status: 'dead' } : {}),
        });
        return Promise.resolve();
      },
    },
    send: (delivery): Promise<SendResult> => {
      sent.push(delivery.id);
      const ok = answers.shift() ?? true;
      return Promise.resolve({ ok, status: ok ? 200 : 500, error: ok ? null : 'HTTP 500' });
    },
    now: () => new Date(0),
    policy,
  };
  return { deps, sent };
}

const pending = (id: string, seq: number, attempts = 0): Row => ({ id, seq, attempts, status: 'pending' });

describe('drainLane', () => {
  it('sends the pending deliveries in sequence order until none is left', async () => {
    const rows = [pending('b', 2), pending('a', 1), pending('c', 3)];
    const { deps, sent } = lane(rows, []);
    expect(await drainLane('l-1', deps, () => false)).toBeUndefined();
    expect(sent).toEqual(['a', 'b', 'c']);
    expect(rows.every((row) => row.status === 'delivered' && row.attempts === 1)).toBe(true);
  });

  it('stops at a failed head with the backoff of its tries; the next delivery is not sent', async () => {
    const rows = [pending('a', 1, 1), pending('b', 2)];
    const { deps, sent } = lane(rows, [false]);
    expect(await drainLane('l-1', deps, () => false)).toEqual({ retryInMs: 200, tenantId: 't-1' });
    expect(sent).toEqual(['a']);
    expect(rows.map((row) => [row.status, row.attempts])).toEqual([
      ['pending', 2],
      ['pending', 0],
    ]);
  });

  it('dead-letters the head after its last try and goes on with the next', async () => {
    const rows = [pending('a', 1, 2), pending('b', 2)];
    const { deps, sent } = lane(rows, [false, true]);
    expect(await drainLane('l-1', deps, () => false)).toBeUndefined();
    expect(sent).toEqual(['a', 'b']);
    expect(rows.map((row) => row.status)).toEqual(['dead', 'delivered']);
  });

  it('sends nothing for a disabled endpoint, and stops when told to', async () => {
    const disabled = lane([pending('a', 1)], [], false);
    expect(await drainLane('l-1', disabled.deps, () => false)).toBeUndefined();
    expect(disabled.sent).toEqual([]);
    const stopping = lane([pending('a', 1), pending('b', 2)], []);
    let calls = 0;
    await drainLane('l-1', stopping.deps, () => calls++ > 0);
    expect(stopping.sent).toEqual(['a']);
  });
});
