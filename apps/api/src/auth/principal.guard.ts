import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { TenantPrincipal } from '#tenant-auth';
import type { UserRecord } from '#store';
import { CsrfTokenInvalidError, RoleForbiddenError } from '../errors/api-error.js';
import { ConsoleAuth } from '../console/console-auth.service.js';
import { CSRF_HEADER, isSafeMethod } from '../console/session-cookie.js';
import { type Principal, PrincipalResolver } from './principal-sources.js';

type AuthenticatedRequest = IncomingMessage & { user?: TenantPrincipal; consoleUser?: UserRecord };

/** The caller, once a change a cookie authenticates has shown the session's CSRF token (only our pages can read it). */
async function authenticate(
  resolver: PrincipalResolver,
  console: ConsoleAuth,
  req: IncomingMessage,
): Promise<Principal> {
  const principal = await resolver.resolve(req);
  if (principal.kind === 'user' && !isSafeMethod(req.method)) {
    if (!console.csrfMatches(principal.session, req.headers[CSRF_HEADER])) throw new CsrfTokenInvalidError();
  }
  return principal;
}

/**
 * The tenant API's guard: a service account's JWT, or a tenant user's session with the role rules
 * (`viewer` reads only, `admin` everything, an operator has no tenant). The principal is then
 * `@CurrentTenant()`.
 */
@Injectable()
export class TenantPrincipalGuard implements CanActivate {
  constructor(
    private readonly resolver: PrincipalResolver,
    private readonly console: ConsoleAuth,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await authenticate(this.resolver, this.console, req);
    if (principal.kind === 'service_account') {
      req.user = principal.principal;
      return true;
    }
    const { user } = principal;
    if (user.tenantId === null || user.role === 'operator') {
      throw new RoleForbiddenError('an operator has no tenant: the operator view is under /api/v1/operator');
    }
    if (user.role === 'viewer' && !isSafeMethod(req.method)) {
      throw new RoleForbiddenError('a viewer may only read');
    }
    req.user = { tenantId: user.tenantId, user: { id: user.id, email: user.email, role: user.role } };
    return true;
  }
}

/** `/api/v1/operator`: a signed-in user with role `operator`, and nobody else. */
@Injectable()
export class OperatorUserGuard implements CanActivate {
  constructor(
    private readonly resolver: PrincipalResolver,
    private readonly console: ConsoleAuth,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await authenticate(this.resolver, this.console, req);
    if (principal.kind !== 'user' || principal.user.role !== 'operator') {
      throw new RoleForbiddenError('only an operator may use the operator view');
    }
    req.consoleUser = principal.user;
    return true;
  }
}
