import { afterEach, describe, expect, it, vi } from 'vitest';
import { DELIVERY_TIMEOUT_MS } from '../limits.js';
import {
  IdSet,
  inOrder,
  OUTCOME_QUERIES,
  PendingOutcomes,
  RecentDeliveries,
  REMEMBER_DELIVERED_MS,
} from './outcomes.js';

describe('PendingOutcomes', () => {
  afterEach(() => vi.useRealTimers());

  const setup = (alive: () => Promise<boolean> = async () => true) => {
    let now = 1_000_000;
    const asked: [string, number[]][] = [];
    const outcomes = new PendingOutcomes(
      (replica, ids) => asked.push([replica, ids]),
      alive,
      () => now,
    );
    return { outcomes, asked, advance: (ms: number) => (now += ms) };
  };

  it('settles once, with the answer that comes first', () => {
    const { outcomes } = setup();
    const settled: string[] = [];
    const id = outcomes.track('b', (outcome) => settled.push(outcome));
    outcomes.settle(id, 'delivered');
    outcomes.settle(id, 'gone');
    expect(settled).toEqual(['delivered']);
    expect(outcomes.size).toBe(0);
  });

  it('asks the other replica when an acknowledgement is late, instead of answering gone', async () => {
    const { outcomes, asked, advance } = setup();
    const settled: string[] = [];
    const id = outcomes.track('b', (outcome) => settled.push(outcome));
    outcomes.track('c', () => undefined);
    advance(DELIVERY_TIMEOUT_MS);
    outcomes.sweep();
    await Promise.resolve();
    expect(asked).toEqual([
      ['b', [id]],
      ['c', [id + 1]],
    ]);
    expect(settled).toEqual([]);
    outcomes.settle(id, 'delivered');
    expect(settled).toEqual(['delivered']);
  });

  it('answers gone after OUTCOME_QUERIES unanswered questions', () => {
    const { outcomes, asked, advance } = setup();
    const settled: string[] = [];
    outcomes.track('b', (outcome) => settled.push(outcome));
    for (let i = 0; i <= OUTCOME_QUERIES; i++) {
      advance(DELIVERY_TIMEOUT_MS);
      outcomes.sweep();
    }
    expect(asked).toHaveLength(OUTCOME_QUERIES);
    expect(settled).toEqual(['gone']);
  });

  it('settles each of many messages with its own answer, in any order, with one waiting behind thousands', () => {
    const { outcomes, asked, advance } = setup();
    const settled = new Map<number, string[]>();
    const track = () => {
      const answers: string[] = [];
      const id = outcomes.track('b', (outcome) => answers.push(outcome));
      settled.set(id, answers);
      return id;
    };
    const first = track();
    // Far more than fit the first slots, each settled soon after, while the first one still waits.
    for (let i = 0; i < 5_000; i++) {
      const id = track();
      if (i % 3 === 0) outcomes.settle(id, 'delivered');
    }
    expect(outcomes.size).toBe(1 + 5_000 - Math.ceil(5_000 / 3));
    for (const id of [...settled.keys()].reverse()) outcomes.settle(id, id % 2 === 0 ? 'gone' : 'delivered');
    for (const [id, answers] of settled) {
      if (id !== first && (id - first - 1) % 3 === 0) expect(answers).toEqual(['delivered']);
      else expect(answers).toEqual([id % 2 === 0 ? 'gone' : 'delivered']);
    }
    expect(outcomes.size).toBe(0);
    // Ids already settled, and ids never given out, settle nothing.
    outcomes.settle(first, 'gone');
    outcomes.settle(first + 10_000, 'gone');
    expect(settled.get(first)).toHaveLength(1);
    const later = track();
    advance(DELIVERY_TIMEOUT_MS);
    outcomes.sweep();
    expect(asked).toEqual([['b', [later]]]);
  });

  it('answers gone at once for a replica known to be dead, and keeps asking when liveness is unknown', async () => {
    const dead = setup(async () => false);
    const settled: string[] = [];
    dead.outcomes.track('b', (outcome) => settled.push(outcome));
    dead.advance(DELIVERY_TIMEOUT_MS);
    dead.outcomes.sweep();
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toEqual(['gone']);

    const unknown = setup(() => Promise.reject(new Error('redis down')));
    const waiting: string[] = [];
    unknown.outcomes.track('b', (outcome) => waiting.push(outcome));
    unknown.advance(DELIVERY_TIMEOUT_MS);
    unknown.outcomes.sweep();
    await new Promise((resolve) => setImmediate(resolve));
    expect(waiting).toEqual([]);
    expect(unknown.outcomes.size).toBe(1);
  });
});

describe('RecentDeliveries', () => {
  it('remembers what was written per sender for at least REMEMBER_DELIVERED_MS, and forgets later', () => {
    let now = 0;
    const recent = new RecentDeliveries(() => now);
    recent.add('a', 1);
    expect(recent.has('a', 1)).toBe(true);
    expect(recent.has('b', 1)).toBe(false);
    now += REMEMBER_DELIVERED_MS - 1;
    recent.add('a', 2);
    now += REMEMBER_DELIVERED_MS - 1;
    expect(recent.has('a', 1)).toBe(true);
    expect(recent.has('a', 2)).toBe(true);
    now += 3 * REMEMBER_DELIVERED_MS;
    expect(recent.has('a', 1)).toBe(false);
    expect(recent.has('a', 2)).toBe(false);
  });
});

describe('IdSet', () => {
  it('holds exactly the ids added: in order, out of order, below the first and far beyond it', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const ids = new IdSet();
    const added = new Set<number>();
    const start = 1_000_000;
    for (let i = 0; i < 20_000; i++) {
      const roll = random();
      const id =
        roll < 0.9
          ? start + i * 2 + Math.floor(random() * 3)
          : roll < 0.95
            ? start - Math.floor(random() * 500)
            : start + 2 ** 40 + Math.floor(random() * 100);
      ids.add(id);
      added.add(id);
    }
    for (let id = start - 600; id < start + 41_000; id++) expect(ids.has(id)).toBe(added.has(id));
    for (const id of added) expect(ids.has(id)).toBe(true);
    expect(ids.has(start + 2 ** 40 + 1_000)).toBe(false);
  });

  it('holds nothing before the first id is added', () => {
    expect(new IdSet().has(0)).toBe(false);
  });

  it('forgets exactly the ids deleted, in the bitmap and beyond it', () => {
    const ids = new IdSet();
    for (const id of [100, 101, 102, 40, 2 ** 40]) ids.add(id);
    for (const id of [101, 40, 2 ** 40, 7]) ids.delete(id);
    expect([100, 101, 102, 40, 2 ** 40].map((id) => ids.has(id))).toEqual([true, false, true, false, false]);
  });
});

describe('inOrder', () => {
  it('writes a message only after the ones its sender sent before it', () => {
    expect(inOrder(undefined, 'a', 1)).toBe(true);
    expect(inOrder({ from: 'a', id: 5, seq: 0 }, 'a', 6)).toBe(true);
    expect(inOrder({ from: 'a', id: 5, seq: 0 }, 'a', 4)).toBe(false);
    expect(inOrder({ from: 'a', id: 5, seq: 0 }, 'a', 5)).toBe(false);
    // Another sender numbers its own messages: the channel moved to another replica.
    expect(inOrder({ from: 'a', id: 5, seq: 0 }, 'b', 1)).toBe(true);
  });

  it("goes by the session's own numbers where both carry one: a message sent again has a new id", () => {
    // Sent again under id 9 after its first try was lost, while its successor (seq 4) was written.
    expect(inOrder({ from: 'a', id: 7, seq: 4 }, 'a', 9, 3)).toBe(false);
    expect(inOrder({ from: 'a', id: 7, seq: 4 }, 'a', 9, 5)).toBe(true);
    // A replica of an older version numbers nothing: the ids decide.
    expect(inOrder({ from: 'a', id: 7, seq: 4 }, 'a', 9)).toBe(true);
    expect(inOrder({ from: 'a', id: 7, seq: 0 }, 'a', 6, 5)).toBe(false);
  });
});
