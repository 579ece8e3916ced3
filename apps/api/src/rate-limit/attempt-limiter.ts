import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '#http';
import { KEY_PREFIX, type RedisClient } from '#redis';

export interface AttemptBudget {
  /** Names the counter in Redis, `s2b:rate:<name>:<key>`. */
  name: string;
  /** Attempts in one window; 0: no limit. */
  points: number;
  windowSeconds: number;
}

/**
 * A budget of attempts per key (a client id, an address, a node) and window, counted in Redis so that
 * all replicas share it. While Redis cannot answer, each process counts on its own: limits hold, less
 * tightly, rather than failing every login with Redis.
 */
export class AttemptLimiter {
  private readonly limiter: RateLimiterRedis | null;

  constructor(redis: RedisClient, budget: AttemptBudget) {
    this.limiter =
      budget.points === 0
        ? null
        : new RateLimiterRedis({
            storeClient: redis,
            keyPrefix: `${KEY_PREFIX}rate:${budget.name}`,
            points: budget.points,
            duration: budget.windowSeconds,
            rejectIfRedisNotReady: true,
            insuranceLimiter: new RateLimiterMemory({ points: budget.points, duration: budget.windowSeconds }),
          });
  }

  /** Throws 429 when `key` has no attempt left in this window. */
  async check(key: string): Promise<void> {
    if (this.limiter === null) return;
    const state = await this.limiter.get(key);
    if (state !== null && state.remainingPoints <= 0) throw tooMany(state);
  }

  /** Spends one attempt of `key`; throws 429 when that was beyond the budget. */
  async spend(key: string): Promise<void> {
    if (this.limiter === null) return;
    try {
      await this.limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw tooMany(rejection);
      throw rejection;
    }
  }

  /** Gives back one attempt, for one that turned out well. */
  async refund(key: string): Promise<void> {
    await this.limiter?.reward(key);
  }
}

function tooMany(state: RateLimiterRes): TooManyRequestsError {
  return new TooManyRequestsError(Math.max(1, Math.ceil(state.msBeforeNext / 1000)));
}
