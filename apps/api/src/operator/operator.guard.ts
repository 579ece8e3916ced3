import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { CONFIG, type Config } from '#config';
import { bearerToken, constantTimeEqual, hashToken } from '#security';
import { OperatorTokenInvalidError } from '../errors/api-error.js';

/** `Authorization: Bearer <OPERATOR_TOKEN>`, or a 401. */
@Injectable()
export class OperatorGuard implements CanActivate {
  private readonly expected: string;

  constructor(@Inject(CONFIG) config: Config) {
    // Digests have one length whatever was sent, so the comparison's time does not reveal the token's length.
    this.expected = hashToken(config.operatorToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const token = bearerToken(context.switchToHttp().getRequest<IncomingMessage>().headers.authorization);
    if (token === undefined || !constantTimeEqual(hashToken(token), this.expected)) {
      throw new OperatorTokenInvalidError();
    }
    return true;
  }
}
