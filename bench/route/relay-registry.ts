// The baseline relay's registry in Redis: which replica holds an RM's socket, which holds a tenant's
// CEM socket. Shared by the relay (which writes and reads it) and the driver (which clears it).
import type { Redis } from 'ioredis';

export const RELAY_KEYS = {
  /** Hash: rmNodeId -> replica holding the RM socket. */
  rms: 's2-broker-bench:relay:rm',
  /** Hash: tenant -> replica holding the tenant's CEM socket. */
  tenants: 's2-broker-bench:relay:tenant',
  inbox: (replica: string) => `s2-broker-bench:relay:inbox:${replica}`,
} as const;

/** How long a registry answer is reused. */
export const REGISTRY_CACHE_MS = 1_000;

type Entry = { readonly replica: string | undefined; readonly until: number };

/**
 * One registry hash with its answers cached for a second: a relay asking Redis before every message
 * would be a straw man, and real relays cache. A look-up in flight is shared by every message that
 * needs it, so messages of one sender keep their order (their continuations run in the order queued).
 */
export class CachedHash {
  private readonly entries = new Map<string, Entry | Promise<string | undefined>>();

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  lookup(field: string, now: number): string | undefined | Promise<string | undefined> {
    const entry = this.entries.get(field);
    if (entry instanceof Promise) return entry;
    if (entry !== undefined && entry.until > now) return entry.replica;
    const pending = this.redis.hget(this.key, field).then(
      (replica) => this.remember(field, replica ?? undefined),
      () => this.remember(field, undefined),
    );
    this.entries.set(field, pending);
    return pending;
  }

  /** A local change is known at once; other replicas learn it when their cache entry expires. */
  forget(field: string): void {
    this.entries.delete(field);
  }

  private remember(field: string, replica: string | undefined): string | undefined {
    this.entries.set(field, { replica, until: Date.now() + REGISTRY_CACHE_MS });
    // Bounded: stale entries of closed RMs would otherwise pile up over a long run.
    if (this.entries.size > 1_000_000) this.entries.clear();
    return replica;
  }
}
