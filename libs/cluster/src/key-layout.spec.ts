// On a Redis Cluster every script, transaction and multi-key command must keep to one hash slot, or the
// cluster refuses it (CROSSSLOT). The session directory runs here against a client that records what
// it is asked, and every such group of keys must map to one slot; on one server the key names stay
// those of the versions before, so that old and new replicas share a Redis through a rolling update.
import { afterEach, describe, expect, it } from 'vitest';
import { hashSlot, type RedisService, useHashTags } from '#redis';
import { bullPrefix } from '#webhooks';
import { clusterKeys } from './cluster-keys.js';
import { RedisSessionDirectory } from './redis-session-directory.js';
import type { RmEntry } from './session-directory.js';

/** The keys of one command (or one MULTI) that Redis must find in a single slot. */
type Group = { command: string; keys: string[] };

/** Where a recorded command's keys are, for the commands that take more than one. */
function keysOf(command: string, args: unknown[]): string[] {
  if (command === 'eval') return args.slice(2, 2 + Number(args[1])) as string[];
  if (command === 's2bSaveSessions') return args.slice(1, 1 + Number(args[0])) as string[];
  if (command === 'del') return args as string[];
  return typeof args[0] === 'string' ? [args[0]] : [];
}

function answerOf(command: string): unknown {
  if (command === 'eval' || command === 's2bSaveSessions') return 1;
  if (command === 'hgetall') return {};
  if (command === 'smembers') return [];
  return null;
}

/** A stand-in for ioredis that answers plausibly and records the key groups it was given. */
function recordingRedis(groups: Group[]): RedisService {
  const chain = (keys: string[]): unknown =>
    new Proxy(
      {},
      {
        get: (_target, command: string) =>
          command === 'exec'
            ? () => {
                groups.push({ command: 'multi', keys });
                return Promise.resolve([]);
              }
            : (...args: unknown[]) => chain([...keys, ...keysOf(command, args)]),
      },
    );
  const client = new Proxy(
    {},
    {
      get: (_target, command: string) => {
        if (command === 'defineCommand') return () => undefined;
        if (command === 'multi' || command === 'pipeline') return () => chain([]);
        return (...args: unknown[]) => {
          groups.push({ command, keys: keysOf(command, args) });
          return Promise.resolve(answerOf(command));
        };
      },
    },
  );
  return { client } as unknown as RedisService;
}

const entry = (n: number): RmEntry => ({
  sessionId: `session-${n}`,
  replica: `replica-${n % 2}`,
  tenantId: `tenant-${n % 3}`,
  cemNodeId: `node-${n}`,
  pairingId: `pairing-${n}`,
  s2Version: 'v1.0.0',
  connectedAt: '2026-01-01T00:00:00.000Z',
  channelId: '',
  channelReplica: '',
  state: '{}',
});

/** Every directory operation that touches Redis, for several RMs of several tenants and replicas. */
async function exercise(directory: RedisSessionDirectory): Promise<void> {
  const rms = Array.from({ length: 6 }, (_, n) => ({ rmNodeId: `rm-${n}`, entry: entry(n) }));
  for (const { rmNodeId, entry } of rms) {
    await directory.register(rmNodeId, entry);
    await directory.restore(rmNodeId, entry);
    directory.recordFromRm(rmNodeId, entry.sessionId, 'FRBC.StorageStatus', '{}', '{"x":1}');
    directory.recordState(rmNodeId, entry.sessionId, '{"x":2}');
  }
  await directory.saveNow('session-0');
  // The others wait for the timed save, which gathers sessions into chunks.
  await new Promise((resolve) => setTimeout(resolve, 400));
  await directory.getMany(rms.map((rm) => rm.rmNodeId));
  await directory.bind('rm-1', 'session-1', '', 'channel', 'replica-0');
  await directory.savedSession('rm-1', 'session-1');
  await directory.tenantLoad('tenant-0', 'rm-0');
  await directory.addChannel('tenant-0', { channelId: 'channel', replica: 'replica-0', cemNodeIds: null });
  await directory.removeChannel('tenant-0', 'channel', 'replica-0');
  for (const { rmNodeId, entry } of rms) await directory.remove(rmNodeId, entry);
  await directory.forgetReplica('replica-0');
}

afterEach(() => useHashTags(false));

describe('the key layout on a Redis Cluster', () => {
  it('keeps the keys of every script, transaction and multi-key command of the directory in one slot', async () => {
    useHashTags(true);
    const groups: Group[] = [];
    await exercise(new RedisSessionDirectory(recordingRedis(groups)));
    const multiKey = groups.filter((group) => group.keys.length > 1);
    // The scripts that register, restore, remove and save, at least once each.
    expect(new Set(multiKey.map((group) => group.command))).toEqual(new Set(['eval', 's2bSaveSessions']));
    for (const group of multiKey) {
      expect(new Set(group.keys.map(hashSlot)), `${group.command} ${group.keys.join(' ')}`).toHaveProperty('size', 1);
    }
  });

  it('spreads RMs over the slots: their keys are tagged by RM, not gathered under one tag', () => {
    useHashTags(true);
    const slots = new Set(Array.from({ length: 1_000 }, (_, n) => hashSlot(clusterKeys.rm(`rm-${n}`))));
    expect(slots.size).toBeGreaterThan(900);
    expect(hashSlot(clusterKeys.snapshot('rm-7', 'session'))).toBe(hashSlot(clusterKeys.rm('rm-7')));
  });

  it('puts every BullMQ key of the webhook queue in one slot', () => {
    useHashTags(true);
    const keys = ['wait', 'active', 'meta', 'events', 'id', 'lane-abc'].map(
      (k) => `${bullPrefix()}:webhook-lanes:${k}`,
    );
    expect(new Set(keys.map(hashSlot)).size).toBe(1);
  });

  it('keeps the names of the versions before on one server', () => {
    const groups: Group[] = [];
    // Recorded on one server, where the scripts take the tenant's and the replica's sets too.
    return exercise(new RedisSessionDirectory(recordingRedis(groups))).then(() => {
      expect(clusterKeys.rm('rm-1')).toBe('s2b:rm:rm-1');
      expect(clusterKeys.snapshot('rm-1', 'session-1')).toBe('s2b:snapshot:session-1');
      expect(bullPrefix()).toBe('s2b');
      const register = groups.find((group) => group.command === 'eval');
      expect(register?.keys).toEqual(['s2b:rm:rm-0', 's2b:tenant-sessions:tenant-0', 's2b:replica-rms:replica-0']);
    });
  });
});

describe('hashSlot', () => {
  it('is the slot Redis Cluster computes', () => {
    // Values of CLUSTER KEYSLOT on Redis 7.
    expect(hashSlot('123456789')).toBe(12739);
    expect(hashSlot('foo')).toBe(12182);
    expect(hashSlot('{user1000}.following')).toBe(3443);
    expect(hashSlot('user1000')).toBe(3443);
    expect(hashSlot('foo{}{bar}')).toBe(8363);
    expect(hashSlot('foo{{bar}}zap')).toBe(4015);
    expect(hashSlot('s2b:{rm:é}')).toBe(7409);
  });
});
