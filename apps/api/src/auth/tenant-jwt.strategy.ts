import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { IncomingMessage } from 'node:http';
import { Strategy } from 'passport-jwt';
import { bearerToken } from '#security';
import { CONFIG, type Config } from '#config';
import {
  TenantAuthService,
  TENANT_JWT_ALGORITHM,
  TENANT_JWT_AUDIENCE,
  TENANT_JWT_ISSUER,
  type TenantPrincipal,
} from '#tenant-auth';

export const TENANT_JWT_STRATEGY = 'tenant-jwt';

/** Passport's side of the tenant API's bearer JWTs; the guard is `TenantJwtGuard`. */
@Injectable()
export class TenantJwtStrategy extends PassportStrategy(Strategy, TENANT_JWT_STRATEGY) {
  constructor(
    @Inject(CONFIG) config: Config,
    private readonly auth: TenantAuthService,
  ) {
    super({
      // The one bearer parser of the broker, so the JWT is read as every other bearer token is.
      jwtFromRequest: (req: IncomingMessage) => bearerToken(req.headers.authorization) ?? null,
      secretOrKey: config.jwtSecret,
      // Pinned, so that a token with `alg: none` or an RS/HS confusion is refused before its claims are read.
      algorithms: [TENANT_JWT_ALGORITHM],
      issuer: TENANT_JWT_ISSUER,
      audience: TENANT_JWT_AUDIENCE,
    });
  }

  validate(payload: unknown): Promise<TenantPrincipal> {
    return this.auth.principalFromClaims(payload);
  }
}
