import { Injectable } from '@nestjs/common';
import { type InspectedMessage, inspectionKeys, parseInspectedMessage } from '#inspection';
import { RedisService } from '#redis';

/** Entries read per LRANGE while a page is gathered: a page of 100 of one type rarely needs a second. */
const CHUNK = 256;

export interface HistoryPage {
  items: InspectedMessage[];
  /** `before` for the next page; null when the kept history is read to its end. */
  nextCursor: number | null;
}

export interface HistoryQuery {
  limit: number;
  before?: number | undefined;
  type?: string | undefined;
  /** Nothing older is shown: the tenant's age bound, and the start of the RM's current pairing. */
  notBefore: number;
}

function typeOf(message: unknown): unknown {
  return typeof message === 'object' && message !== null
    ? (message as Record<string, unknown>)['message_type']
    : undefined;
}

/**
 * The message history the gateway writes (see RedisMessageObserver): one list per RM, newest first,
 * trimmed to the tenant's count on each write and expiring a whole age after its last one. Entries
 * older than the age are still in a busy RM's list, so the reader applies the age itself.
 */
@Injectable()
export class MessageHistory {
  constructor(private readonly redis: RedisService) {}

  async page(rmNodeId: string, query: HistoryQuery): Promise<HistoryPage> {
    const key = inspectionKeys.history(rmNodeId);
    const items: InspectedMessage[] = [];
    for (let start = 0; ; start += CHUNK) {
      const texts = await this.redis.client.lrange(key, start, start + CHUNK - 1);
      for (const text of texts) {
        const entry = parseInspectedMessage(text);
        if (entry === undefined) continue;
        if (entry.at < query.notBefore) return { items, nextCursor: null };
        if (query.before !== undefined && entry.at >= query.before) continue;
        if (query.type !== undefined && typeOf(entry.message) !== query.type) continue;
        // A page never ends inside a run of one millisecond: `before` would skip the rest of the run.
        const last = items.at(-1);
        if (items.length >= query.limit && last !== undefined && entry.at !== last.at) {
          return { items, nextCursor: last.at };
        }
        items.push(entry);
      }
      if (texts.length < CHUNK) return { items, nextCursor: null };
    }
  }

  /** Removes the history of these RMs (their pairing is gone, or their tenant keeps none any more). */
  async remove(rmNodeIds: readonly string[]): Promise<void> {
    if (rmNodeIds.length === 0) return;
    // One key per command, one write per server (auto-pipelining): on a cluster each RM's history has
    // a slot of its own.
    await Promise.all(rmNodeIds.map((id) => this.redis.client.unlink(inspectionKeys.history(id))));
  }
}
