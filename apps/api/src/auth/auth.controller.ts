import { Body, Header, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { PublicApiController } from '../http/api-controller.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { component } from '../openapi/components.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import { type AccessTokenGrant, ExchangeClientCredentials } from './exchange-client-credentials.use-case.js';
import { RateLimits } from '../rate-limit/rate-limits.js';

const tokenRequest = z.strictObject({
  clientId: z.string().min(1).max(200),
  clientSecret: z.string().min(1).max(200),
});

const accessTokenGrantSchema = component(
  'AccessTokenGrant',
  z.object({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.int().meta({ description: 'seconds' }),
  }),
);

/** The one `/api/v1` route without a JWT: the one that hands them out. */
@PublicApiController('api/v1/auth')
@ApiTags('Auth')
export class AuthController {
  constructor(
    private readonly exchange: ExchangeClientCredentials,
    private readonly limits: RateLimits,
  ) {}

  @Post('token')
  @ApiEndpoint({
    summary: "A tenant JWT for a service account's client id and secret",
    body: tokenRequest,
    ok: { status: HttpStatus.OK, schema: accessTokenGrantSchema },
    errors: [HttpStatus.UNAUTHORIZED, HttpStatus.TOO_MANY_REQUESTS],
  })
  @HttpCode(HttpStatus.OK)
  @Header('cache-control', 'no-store')
  token(
    @Body(new ZodBodyPipe(tokenRequest)) body: z.output<typeof tokenRequest>,
    @Req() req: IncomingMessage,
  ): Promise<AccessTokenGrant> {
    return this.exchange.execute(body, this.limits.addressOf(req));
  }
}
