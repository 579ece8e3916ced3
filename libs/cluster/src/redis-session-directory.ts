import { Injectable } from '@nestjs/common';
import { hashTagsInUse, RedisService } from '#redis';
import { clusterKeys } from './cluster-keys.js';
import { type ChannelEntry, type RmEntry, SessionDirectory } from './session-directory.js';

// The scripts take the RM's own keys first and, on one server, the tenant's and the replica's sets
// after them, so that a session's entry and its memberships change in one step. On a cluster those
// sets live in other slots than the RM's keys: the directory writes them beside the script.

// Replace the RM's entry, returning the one it replaces (flattened HGETALL), in one step.
const REGISTER = `
local old = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
for i = 2, #KEYS do redis.call('SADD', KEYS[i], ARGV[1]) end
return old`;

// Register again only where nothing was registered since the state was lost.
const RESTORE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
for i = 2, #KEYS do redis.call('SADD', KEYS[i], ARGV[1]) end
return 1`;

// Remove the entry (and its snapshot) only if it is still this session's.
const REMOVE = `
if redis.call('HGET', KEYS[1], 'sessionId') ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
for i = 3, #KEYS do redis.call('SREM', KEYS[i], ARGV[1]) end
return 1`;

// Bind only if the session is still this one and still bound to what the caller saw.
const BIND = `
if redis.call('HGET', KEYS[1], 'sessionId') ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[1], 'channelId') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'channelId', ARGV[3], 'channelReplica', ARGV[4])
return 1`;

/**
 * How often what sessions changed is written to Redis. Short enough that a message held for its save
 * has gone before two scavenges pass (about 300 ms apart at 5,000 messages a second), and so is not
 * promoted to the old generation; a session speaks every few seconds, so a shorter wait costs no more
 * writes, only smaller batches.
 */
export const SNAPSHOT_SAVE_MS = 250;

/**
 * What a session of this replica said since it was last saved. Kept, emptied, from one save to the
 * next while the session lives: a fresh object per session every second was garbage the collector had
 * to promote and trace. The messages sit in an array emptied slot by slot, not a Map: a cleared Map
 * leaves its old table behind, and an old table still pointing at the messages it held kept each of
 * them alive through scavenges into the old generation.
 */
interface Unsaved {
  readonly sessionId: string;
  readonly rmNodeId: string;
  /** Each message type the session has sent, and beside it its last message not yet saved. */
  readonly types: string[];
  readonly messages: (string | undefined)[];
  state: string | undefined;
  /** In `dirty`, waiting for the next save. */
  dirty: boolean;
}

// Save sessions' snapshots and states, each only while it is still its RM's session: a save that
// crosses the session's removal must not bring its keys back. KEYS are (entry, snapshot) per session
// (one session per script on a cluster, where each RM's keys have a slot of their own);
// ARGV per session: sessionId, state ('' unchanged), how many field/value items follow, the items.
const SAVE = `
local a = 1
for i = 1, #KEYS, 2 do
  local n = tonumber(ARGV[a + 2])
  if redis.call('HGET', KEYS[i], 'sessionId') == ARGV[a] then
    if ARGV[a + 1] ~= '' then redis.call('HSET', KEYS[i], 'state', ARGV[a + 1]) end
    if n > 0 then redis.call('HSET', KEYS[i + 1], unpack(ARGV, a + 3, a + 2 + n)) end
  end
  a = a + 3 + n
end
return 1`;

const SAVE_COMMAND = 's2bSaveSessions';
/**
 * Sessions per save script, one script per turn of the event loop: Redis runs a script to its end
 * before anything else, and thousands of sessions in one go held every message behind them for tens of
 * milliseconds, here and in Redis.
 */
const SAVE_CHUNK = 64;

type SaveArgs = { keys: string[]; args: string[] };

/** Adds what the session said to `chunk` and empties it. */
function takeSave(chunk: SaveArgs, pending: Unsaved): void {
  chunk.keys.push(clusterKeys.rm(pending.rmNodeId), clusterKeys.snapshot(pending.rmNodeId, pending.sessionId));
  const { args } = chunk;
  // The item count goes before the items: its slot is filled once they are in.
  args.push(pending.sessionId, pending.state ?? '', '');
  const countAt = args.length - 1;
  for (let i = 0; i < pending.messages.length; i++) {
    const message = pending.messages[i];
    if (message === undefined) continue;
    args.push(pending.types[i] as string, message);
    pending.messages[i] = undefined;
  }
  args[countAt] = String(args.length - countAt - 1);
  pending.state = undefined;
  pending.dirty = false;
}

function toEntry(flat: string[] | Record<string, string>): RmEntry | undefined {
  const record: Record<string, string> = Array.isArray(flat)
    ? Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]))
    : flat;
  return record['sessionId'] ? (record as unknown as RmEntry) : undefined;
}

/** The live sessions and CEM channels of every replica, in Redis. */
@Injectable()
export class RedisSessionDirectory extends SessionDirectory {
  /** Sessions of this replica that have said something, by session id, until they are removed. */
  private readonly sessions = new Map<string, Unsaved>();
  /** Sessions with something unsaved, in the order they first had; may list a session twice. */
  private dirty: Unsaved[] = [];
  private saveTimer?: NodeJS.Timeout;

  /** On a cluster the tenant's and the replica's sets are written beside the scripts, not in them. */
  private readonly crossSlot: boolean;

  constructor(private readonly redis: RedisService) {
    super();
    this.crossSlot = hashTagsInUse();
    // By its SHA (EVALSHA) rather than its text: Redis would hash the script on every call, once a
    // second for every session that spoke.
    redis.client.defineCommand(SAVE_COMMAND, { lua: SAVE });
  }

  /** The sets an RM's session belongs to, for the scripts (none on a cluster). */
  private memberships(tenantId: string, replica: string): string[] {
    return this.crossSlot ? [] : [clusterKeys.tenantSessions(tenantId), clusterKeys.replicaRms(replica)];
  }

  /** Registers a new session of an RM; returns the session it replaces, if any. */
  override async register(rmNodeId: string, entry: RmEntry): Promise<RmEntry | undefined> {
    const fields = Object.entries(entry).flat();
    const sets = this.memberships(entry.tenantId, entry.replica);
    const replaced = this.redis.client.eval(
      REGISTER,
      1 + sets.length,
      clusterKeys.rm(rmNodeId),
      ...sets,
      rmNodeId,
      entry.sessionId,
      ...fields,
    ) as Promise<string[]>;
    // Sent with the script, in the same write: no round trip more than on one server.
    const added = this.crossSlot ? this.join(rmNodeId, entry) : undefined;
    const [old] = await Promise.all([replaced, added]);
    const previous = toEntry(old);
    if (previous && previous.replica !== entry.replica) {
      await this.redis.client.srem(clusterKeys.replicaRms(previous.replica), rmNodeId);
    }
    return previous;
  }

  override async restore(rmNodeId: string, entry: RmEntry): Promise<boolean> {
    const sets = this.memberships(entry.tenantId, entry.replica);
    const restored = await this.redis.client.eval(
      RESTORE,
      1 + sets.length,
      clusterKeys.rm(rmNodeId),
      ...sets,
      rmNodeId,
      ...Object.entries(entry).flat(),
    );
    if (restored === 1 && this.crossSlot) await this.join(rmNodeId, entry);
    return restored === 1;
  }

  override async remove(
    rmNodeId: string,
    entry: Pick<RmEntry, 'sessionId' | 'tenantId' | 'replica'>,
  ): Promise<boolean> {
    // A snapshot write still gathered for this session must not bring its key back after removal.
    const pending = this.sessions.get(entry.sessionId);
    if (pending !== undefined) {
      pending.dirty = false;
      this.sessions.delete(entry.sessionId);
    }
    const sets = this.memberships(entry.tenantId, entry.replica);
    const removed = await this.redis.client.eval(
      REMOVE,
      2 + sets.length,
      clusterKeys.rm(rmNodeId),
      clusterKeys.snapshot(rmNodeId, entry.sessionId),
      ...sets,
      rmNodeId,
      entry.sessionId,
    );
    if (removed === 1 && this.crossSlot) await this.leave(rmNodeId, entry);
    return removed === 1;
  }

  private async join(rmNodeId: string, entry: Pick<RmEntry, 'tenantId' | 'replica'>): Promise<void> {
    await Promise.all([
      this.redis.client.sadd(clusterKeys.tenantSessions(entry.tenantId), rmNodeId),
      this.redis.client.sadd(clusterKeys.replicaRms(entry.replica), rmNodeId),
    ]);
  }

  /**
   * The sets let go of an RM whose entry was removed. A new session of the RM may have registered
   * between the removal and this (its sets are written apart from its entry, on other shards): once the
   * sets are written, the entry is read again, and a newer session found there joins its sets again.
   * Readers of the sets check each RM's entry, so an RM listed a moment too long is harmless; one left
   * out would not be.
   */
  private async leave(rmNodeId: string, entry: Pick<RmEntry, 'tenantId' | 'replica'>): Promise<void> {
    await Promise.all([
      this.redis.client.srem(clusterKeys.tenantSessions(entry.tenantId), rmNodeId),
      this.redis.client.srem(clusterKeys.replicaRms(entry.replica), rmNodeId),
    ]);
    const newer = await this.get(rmNodeId);
    if (newer) await this.join(rmNodeId, newer);
  }

  override async get(rmNodeId: string): Promise<RmEntry | undefined> {
    return toEntry(await this.redis.client.hgetall(clusterKeys.rm(rmNodeId)));
  }

  override async getMany(rmNodeIds: readonly string[]): Promise<Map<string, RmEntry>> {
    // One command per RM, all in one write per server (auto-pipelining): on a cluster a pipeline must
    // stay on one server, and these RMs are spread over all of them.
    const results = await Promise.all(rmNodeIds.map((id) => this.redis.client.hgetall(clusterKeys.rm(id))));
    const out = new Map<string, RmEntry>();
    results.forEach((value, i) => {
      const entry = toEntry(value);
      if (entry) out.set(rmNodeIds[i] as string, entry);
    });
    return out;
  }

  override async bind(
    rmNodeId: string,
    sessionId: string,
    expectedChannelId: string,
    channelId: string,
    channelReplica: string,
  ): Promise<boolean> {
    const bound = await this.redis.client.eval(
      BIND,
      1,
      clusterKeys.rm(rmNodeId),
      sessionId,
      expectedChannelId,
      channelId,
      channelReplica,
    );
    return bound === 1;
  }

  override async tenantSessions(tenantId: string): Promise<string[]> {
    return this.redis.client.smembers(clusterKeys.tenantSessions(tenantId));
  }

  /** How many live sessions the tenant has, and whether the RM holds one of them. */
  override async tenantLoad(tenantId: string, rmNodeId: string): Promise<{ live: number; alreadyLive: boolean }> {
    const [live, member] = await Promise.all([
      this.redis.client.scard(clusterKeys.tenantSessions(tenantId)),
      this.redis.client.sismember(clusterKeys.tenantSessions(tenantId), rmNodeId),
    ]);
    return { live, alreadyLive: member === 1 };
  }

  override async replicaRms(replica: string): Promise<string[]> {
    return this.redis.client.smembers(clusterKeys.replicaRms(replica));
  }

  /**
   * Records an RM message for the snapshot (and the session state, when it changed). Only the last
   * message of each type counts, so what a session changed is saved at most once per
   * SNAPSHOT_SAVE_MS, all sessions in one pipeline: a Redis write per message was the largest cost of
   * an RM's replica at saturation. Whoever needs it current asks for `saveNow` first.
   */
  override recordFromRm(
    rmNodeId: string,
    sessionId: string,
    messageType: string,
    message: string,
    state: string | undefined,
  ): void {
    const pending = this.pendingOf(rmNodeId, sessionId);
    const at = pending.types.indexOf(messageType);
    if (at < 0) {
      pending.types.push(messageType);
      pending.messages.push(message);
    } else {
      pending.messages[at] = message;
    }
    if (state !== undefined) pending.state = state;
  }

  /** The session state changed by a CEM message; saved with the snapshot. */
  override recordState(rmNodeId: string, sessionId: string, state: string): void {
    this.pendingOf(rmNodeId, sessionId).state = state;
  }

  /** Writes what is unsaved of one session now; resolves once Redis has it. */
  override async saveNow(sessionId: string): Promise<void> {
    const pending = this.sessions.get(sessionId);
    if (pending === undefined || !pending.dirty) return;
    const chunk: SaveArgs = { keys: [], args: [] };
    takeSave(chunk, pending);
    await this.runSave(chunk);
  }

  private pendingOf(rmNodeId: string, sessionId: string): Unsaved {
    let pending = this.sessions.get(sessionId);
    if (pending === undefined) {
      pending = { sessionId, rmNodeId, types: [], messages: [], state: undefined, dirty: false };
      this.sessions.set(sessionId, pending);
    }
    if (!pending.dirty) {
      pending.dirty = true;
      this.dirty.push(pending);
      if (this.saveTimer === undefined) {
        this.saveTimer = setTimeout(() => this.save(), SNAPSHOT_SAVE_MS);
        this.saveTimer.unref();
      }
    }
    return pending;
  }

  /**
   * What was unsaved when the timer fired, SAVE_CHUNK sessions per turn of the event loop, oldest first.
   * A session waiting its turn takes its newer messages along; `saveNow` and `remove` empty it, so no
   * chunk can write an older snapshot over a newer one.
   */
  private save(): void {
    this.saveTimer = undefined;
    const due = this.dirty;
    this.dirty = [];
    let at = 0;
    const next = (): void => {
      const chunk: SaveArgs = { keys: [], args: [] };
      for (; at < due.length && chunk.keys.length < 2 * this.saveChunk; at++) {
        const pending = due[at] as Unsaved;
        if (pending.dirty) takeSave(chunk, pending);
      }
      // Not awaited on the hot path; a failure costs a stale snapshot, not a message.
      if (chunk.keys.length > 0) this.runSave(chunk).catch(() => undefined);
      if (at < due.length) setImmediate(next);
    };
    next();
  }

  /** Sessions per save script: one on a cluster, where no two RMs share a slot. */
  private get saveChunk(): number {
    return this.crossSlot ? 1 : SAVE_CHUNK;
  }

  private async runSave({ keys, args }: SaveArgs): Promise<void> {
    const client = this.redis.client as unknown as Record<
      typeof SAVE_COMMAND,
      (...args: (string | number)[]) => Promise<unknown>
    >;
    await client[SAVE_COMMAND](keys.length, ...keys, ...args);
  }

  /** The saved snapshot (message_type -> message) and state (JSON) of a session. */
  override async savedSession(
    rmNodeId: string,
    sessionId: string,
  ): Promise<{ snapshot: Record<string, string>; state: string | undefined }> {
    const [snapshot, state] = await Promise.all([
      this.redis.client.hgetall(clusterKeys.snapshot(rmNodeId, sessionId)),
      this.redis.client.hget(clusterKeys.rm(rmNodeId), 'state'),
    ]);
    return { snapshot, state: state ?? undefined };
  }

  override async addChannel(tenantId: string, channel: ChannelEntry): Promise<void> {
    const tenantKey = clusterKeys.tenantChannels(tenantId);
    const replicaKey = clusterKeys.replicaChannels(channel.replica);
    const member = `${tenantId} ${channel.channelId}`;
    const text = JSON.stringify(channel);
    if (this.crossSlot) {
      await Promise.all([
        this.redis.client.hset(tenantKey, channel.channelId, text),
        this.redis.client.sadd(replicaKey, member),
      ]);
      return;
    }
    await this.redis.client.multi().hset(tenantKey, channel.channelId, text).sadd(replicaKey, member).exec();
  }

  override async removeChannel(tenantId: string, channelId: string, replica: string): Promise<void> {
    const tenantKey = clusterKeys.tenantChannels(tenantId);
    const replicaKey = clusterKeys.replicaChannels(replica);
    const member = `${tenantId} ${channelId}`;
    if (this.crossSlot) {
      await Promise.all([this.redis.client.hdel(tenantKey, channelId), this.redis.client.srem(replicaKey, member)]);
      return;
    }
    await this.redis.client.multi().hdel(tenantKey, channelId).srem(replicaKey, member).exec();
  }

  override async channels(tenantId: string): Promise<ChannelEntry[]> {
    const all = await this.redis.client.hgetall(clusterKeys.tenantChannels(tenantId));
    return Object.values(all).map((text) => JSON.parse(text) as ChannelEntry);
  }

  /** `[tenantId, channelId]` of the channels a replica held. */
  override async replicaChannels(replica: string): Promise<[string, string][]> {
    const members = await this.redis.client.smembers(clusterKeys.replicaChannels(replica));
    return members.map((m) => m.split(' ') as [string, string]);
  }

  override async forgetReplica(replica: string): Promise<void> {
    await Promise.all([
      this.redis.client.del(clusterKeys.replicaRms(replica)),
      this.redis.client.del(clusterKeys.replicaChannels(replica)),
    ]);
  }
}
