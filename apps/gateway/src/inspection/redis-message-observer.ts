import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { type HistoryPolicy, inspectionKeys, TAP_MAX_PER_SECOND } from '#inspection';
import { LOGGER } from '#observability';
import { RedisService } from '#redis';
import { MessageObserver } from '../routing/ports.js';

/** How often the replica reads which RMs an inspector watches, and writes what it gathered. */
const TAPS_READ_MS = 1_000;
const FLUSH_MS = 250;

/**
 * The gateway's side of the message inspector and history, in Redis. Which RMs are watched is read
 * once a second (the console keeps `s2b:taps`), so that the hot path asks an in-memory set, empty while
 * nobody watches. What is observed is gathered and written every FLUSH_MS in one pipeline: a PUBLISH per
 * entry for a watched RM (at most TAP_MAX_PER_SECOND a second each; beyond that entries are counted and
 * dropped, so one busy RM cannot swamp Redis or a browser), and per RM whose tenant keeps a history one
 * LPUSH of its entries, LTRIM to the policy's count and PEXPIRE to its age.
 */
@Injectable()
export class RedisMessageObserver extends MessageObserver implements OnApplicationBootstrap, OnApplicationShutdown {
  private watched = new Set<string>();
  private readonly published = new Map<string, number>();
  private droppedSinceLog = 0;
  private taps: string[] = [];
  private tapEntries: string[] = [];
  private history = new Map<string, { policy: HistoryPolicy; entries: string[] }>();
  private forgotten: string[] = [];
  private timers: NodeJS.Timeout[] = [];
  private readonly logger: Logger;

  constructor(
    private readonly redis: RedisService,
    @Inject(LOGGER) logger: Logger,
  ) {
    super();
    this.logger = logger.child({ component: 'message-observer' });
  }

  onApplicationBootstrap(): void {
    this.timers = [setInterval(() => void this.readTaps(), TAPS_READ_MS), setInterval(() => this.flush(), FLUSH_MS)];
    for (const timer of this.timers) timer.unref();
    void this.readTaps();
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.flush();
  }

  override observes(rmNodeId: string, history: HistoryPolicy | null): boolean {
    return history !== null || (this.watched.size !== 0 && this.watched.has(rmNodeId));
  }

  override record(rmNodeId: string, history: HistoryPolicy | null, entry: string): void {
    if (this.watched.has(rmNodeId)) {
      const count = this.published.get(rmNodeId) ?? 0;
      if (count < TAP_MAX_PER_SECOND) {
        this.published.set(rmNodeId, count + 1);
        this.taps.push(rmNodeId);
        this.tapEntries.push(entry);
      } else {
        this.droppedSinceLog++;
      }
    }
    if (history === null) return;
    let kept = this.history.get(rmNodeId);
    if (kept === undefined) this.history.set(rmNodeId, (kept = { policy: history, entries: [] }));
    kept.policy = history;
    kept.entries.push(entry);
  }

  override forget(rmNodeIds: readonly string[]): void {
    for (const rmNodeId of rmNodeIds) this.history.delete(rmNodeId);
    this.forgotten.push(...rmNodeIds);
  }

  private async readTaps(): Promise<void> {
    try {
      const taps = await this.redis.client.hgetall(inspectionKeys.taps());
      const now = Date.now();
      const watched = new Set<string>();
      for (const [rmNodeId, until] of Object.entries(taps)) if (Number(until) > now) watched.add(rmNodeId);
      this.watched = watched;
    } catch (error) {
      this.logger.warn({ err: error }, 'reading the inspector taps failed');
    }
    this.published.clear();
    if (this.droppedSinceLog > 0) {
      this.logger.info({ dropped: this.droppedSinceLog }, 'inspector entries over the per-RM rate were dropped');
      this.droppedSinceLog = 0;
    }
  }

  private flush(): void {
    if (this.taps.length === 0 && this.history.size === 0 && this.forgotten.length === 0) return;
    // Plain commands rather than a pipeline, all in one write per server (the shared connection
    // pipelines by itself): on a cluster the RMs' history keys are spread over the shards.
    const { client } = this.redis;
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < this.taps.length; i++) {
      writes.push(client.publish(inspectionKeys.tap(this.taps[i] as string), this.tapEntries[i] as string));
    }
    for (const [rmNodeId, { policy, entries }] of this.history) {
      const key = inspectionKeys.history(rmNodeId);
      // Pushed oldest first, so that the newest is at the head.
      writes.push(
        client.lpush(key, ...entries),
        client.ltrim(key, 0, policy.maxMessages - 1),
        client.pexpire(key, policy.maxAgeSeconds * 1_000),
      );
    }
    // After this flush's own writes, and any earlier one's: one connection keeps them in order. One key
    // per command: on a cluster each RM's history has a slot of its own.
    for (const id of this.forgotten) writes.push(client.unlink(inspectionKeys.history(id)));
    this.taps = [];
    this.tapEntries = [];
    this.history = new Map();
    this.forgotten = [];
    Promise.all(writes).catch((error: unknown) =>
      this.logger.warn({ err: error }, 'writing inspected messages failed'),
    );
  }
}
