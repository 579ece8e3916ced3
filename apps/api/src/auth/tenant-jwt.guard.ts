import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiError, AccessTokenInvalidError } from '../errors/api-error.js';
import { TENANT_JWT_STRATEGY } from './tenant-jwt.strategy.js';
import { isTenantPrincipal, TenantTokenRejectedError } from '#tenant-auth';

/** Lets a request through with a valid tenant JWT; the principal is then `@CurrentTenant()`. */
@Injectable()
export class TenantJwtGuard extends AuthGuard(TENANT_JWT_STRATEGY) {
  override handleRequest<TUser = unknown>(error: unknown, user: unknown): TUser {
    // Anything but our own refusal is a failure of the broker (the database, say): a 500, not a 401.
    if (error instanceof TenantTokenRejectedError) throw new AccessTokenInvalidError();
    if (error !== null && error !== undefined && !(error instanceof ApiError)) throw error;
    if (!isTenantPrincipal(user)) throw new AccessTokenInvalidError();
    return user as TUser;
  }
}
