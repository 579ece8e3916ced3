import { Body, Header, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { PublicApiController } from '../http/api-controller.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { component } from '../openapi/components.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import { type AccessTokenGrant, ExchangeClientCredentials } from './exchange-client-credentials.use-case.js';

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
  constructor(private readonly exchange: ExchangeClientCredentials) {}

  @Post('token')
  @ApiEndpoint({
    summary: "A tenant JWT for a service account's client id and secret",
    body: tokenRequest,
    ok: { status: HttpStatus.OK, schema: accessTokenGrantSchema },
    errors: [HttpStatus.UNAUTHORIZED],
  })
  @HttpCode(HttpStatus.OK)
  @Header('cache-control', 'no-store')
  token(@Body(new ZodBodyPipe(tokenRequest)) body: z.output<typeof tokenRequest>): Promise<AccessTokenGrant> {
    return this.exchange.execute(body);
  }
}
