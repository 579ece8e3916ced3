import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { isTenantPrincipal, type TenantPrincipal } from '#tenant-auth';

/** The caller of a route guarded by `TenantJwtGuard`: `{tenantId, serviceAccountId}`. */
export const CurrentTenant = createParamDecorator((_data: unknown, context: ExecutionContext): TenantPrincipal => {
  const { user } = context.switchToHttp().getRequest<{ user?: unknown }>();
  if (!isTenantPrincipal(user)) {
    throw new Error('@CurrentTenant() on a route without TenantJwtGuard');
  }
  return user;
});
