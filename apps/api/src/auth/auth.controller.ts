import { Body, Header, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { z } from 'zod';
import { PublicApiController } from '../http/api-controller.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { type AccessTokenGrant, ExchangeClientCredentials } from './exchange-client-credentials.use-case.js';

const tokenRequest = z.strictObject({
  clientId: z.string().min(1).max(200),
  clientSecret: z.string().min(1).max(200),
});

/** The one `/api/v1` route without a JWT: the one that hands them out. */
@PublicApiController('api/v1/auth')
export class AuthController {
  constructor(private readonly exchange: ExchangeClientCredentials) {}

  @Post('token')
  @HttpCode(HttpStatus.OK)
  @Header('cache-control', 'no-store')
  token(@Body(new ZodBodyPipe(tokenRequest)) body: z.output<typeof tokenRequest>): Promise<AccessTokenGrant> {
    return this.exchange.execute(body);
  }
}
