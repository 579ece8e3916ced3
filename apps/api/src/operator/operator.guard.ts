import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { CONFIG, type Config } from '#config';
import { bearerToken, constantTimeEqual, hashToken } from '#security';
import { OperatorTokenInvalidError } from '../errors/api-error.js';
import { RateLimits } from '../rate-limit/rate-limits.js';

/** `Authorization: Bearer <OPERATOR_TOKEN>`, or a 401; an address that keeps guessing gets 429. */
@Injectable()
export class OperatorGuard implements CanActivate {
  private readonly expected: string;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly limits: RateLimits,
  ) {
    // Digests have one length whatever was sent, so the comparison's time does not reveal the token's length.
    this.expected = hashToken(config.operatorToken);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    const address = this.limits.addressOf(request);
    await this.limits.authFailuresByAddress.check(address);
    const token = bearerToken(request.headers.authorization);
    if (token === undefined || !constantTimeEqual(hashToken(token), this.expected)) {
      await this.limits.authFailuresByAddress.spend(address);
      throw new OperatorTokenInvalidError();
    }
    return true;
  }
}
