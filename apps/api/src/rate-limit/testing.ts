import type { Config } from '#config';
import type { RedisService } from '#redis';
import { RateLimits } from './rate-limits.js';

/** Rate limits that never limit, for unit tests of what they guard; Redis is never asked. */
export function unlimitedRateLimits(trustedProxyHops = 0): RateLimits {
  const rateLimits = {
    authFailuresPerClient: 0,
    authFailuresPerAddress: 0,
    pairingRequestsPerAddress: 0,
    pairingFailuresPerNode: 0,
    trustedProxyHops,
  };
  return new RateLimits({ rateLimits } as Config, { client: undefined } as unknown as RedisService);
}
