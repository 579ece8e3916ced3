import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { CONFIG, type Config } from '#config';
import { clientAddress, type RequestOrigin } from '#http';
import { RedisModule, RedisService } from '#redis';
import { AttemptLimiter } from './attempt-limiter.js';

const MINUTE = 60;
// A dynamic pairing code lives five minutes: this many failed attempts per code's life, at most.
const PAIRING_WINDOW_SECONDS = 5 * MINUTE;

/** The broker's brute-force bounds (see `RateLimitSettings`), one limiter each. */
@Injectable()
export class RateLimits {
  readonly authFailuresByClient: AttemptLimiter;
  readonly authFailuresByAddress: AttemptLimiter;
  /** Console sign-in's per-email bound: as many tries as a service account's client id gets. */
  readonly signInFailuresByEmail: AttemptLimiter;
  readonly pairingByAddress: AttemptLimiter;
  readonly pairingFailuresByNode: AttemptLimiter;
  private readonly trustedProxyHops: number;

  constructor(@Inject(CONFIG) config: Config, redis: RedisService) {
    const limits = config.rateLimits;
    const limiter = (name: string, points: number, windowSeconds: number) =>
      new AttemptLimiter(redis.client, { name, points, windowSeconds });
    this.authFailuresByClient = limiter('auth-client', limits.authFailuresPerClient, MINUTE);
    this.authFailuresByAddress = limiter('auth-address', limits.authFailuresPerAddress, MINUTE);
    this.signInFailuresByEmail = limiter('sign-in-email', limits.authFailuresPerClient, MINUTE);
    this.pairingByAddress = limiter('pairing-address', limits.pairingRequestsPerAddress, MINUTE);
    this.pairingFailuresByNode = limiter('pairing-node', limits.pairingFailuresPerNode, PAIRING_WINDOW_SECONDS);
    this.trustedProxyHops = limits.trustedProxyHops;
  }

  addressOf(req: RequestOrigin): string {
    return clientAddress(req, this.trustedProxyHops);
  }
}

@Global()
@Module({
  imports: [RedisModule],
  providers: [RateLimits],
  exports: [RateLimits],
})
export class RateLimitModule {}
