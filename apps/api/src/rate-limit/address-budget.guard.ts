import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { RateLimits } from './rate-limits.js';

/** Every S2 Connect pairing request spends one of its source address's budget, or is answered 429. */
@Injectable()
export class PairingAddressGuard implements CanActivate {
  constructor(private readonly limits: RateLimits) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    await this.limits.pairingByAddress.spend(this.limits.addressOf(request));
    return true;
  }
}
