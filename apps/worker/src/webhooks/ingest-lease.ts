import { Injectable } from '@nestjs/common';
import { RedisService, KEY_PREFIX } from '#redis';

const LEASE_KEY = `${KEY_PREFIX}webhooks:ingest-lease`;
export const LEASE_MS = 15_000;

// Extends the lease only for its holder, or takes it when nobody holds it.
const HOLD = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Which worker reads the event stream for webhooks. One reader keeps the deliveries of one RM in the
 * order of the stream; a reader that dies loses the lease within LEASE_MS and another takes over.
 */
@Injectable()
export class IngestLease {
  constructor(private readonly redis: RedisService) {}

  /** Takes or extends the lease; false while another worker holds it. */
  async hold(holder: string): Promise<boolean> {
    return (await this.redis.client.eval(HOLD, 1, LEASE_KEY, holder, LEASE_MS)) === 1;
  }

  async release(holder: string): Promise<void> {
    await this.redis.client.eval(RELEASE, 1, LEASE_KEY, holder).catch(() => undefined);
  }
}
