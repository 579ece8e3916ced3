import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { bearerToken } from '#security';
import type { UserRecord } from '#store';
import { type ServiceAccountPrincipal, TenantAuthService, TenantTokenRejectedError } from '#tenant-auth';
import { AccessTokenInvalidError } from '../errors/api-error.js';
import { ConsoleAuth, type LiveSession } from '../console/console-auth.service.js';
import { SESSION_COOKIE, sessionCookieOf } from '../console/session-cookie.js';

/**
 * Who is calling, whatever proved it. A user may come from a console session today and from single
 * sign-on later: an OIDC source resolves `(issuer, subject)` to the same `users` row and yields the
 * same kind of principal, so nothing after resolution changes.
 */
export type Principal =
  | { kind: 'service_account'; principal: ServiceAccountPrincipal }
  | { kind: 'user'; user: UserRecord; session: LiveSession };

/**
 * One way of proving who is calling. `undefined` when the request carries none of this source's
 * credentials (the next source is asked); throws a 401 when it carries them and they are not valid.
 */
export interface PrincipalSource {
  resolve(req: IncomingMessage): Promise<Principal | undefined>;
}

/** `Authorization: Bearer <tenant JWT>`: a service account. */
@Injectable()
export class JwtPrincipalSource implements PrincipalSource {
  constructor(private readonly auth: TenantAuthService) {}

  async resolve(req: IncomingMessage): Promise<Principal | undefined> {
    if (req.headers.authorization === undefined) return undefined;
    const token = bearerToken(req.headers.authorization);
    if (token === undefined) throw new AccessTokenInvalidError();
    try {
      return { kind: 'service_account', principal: await this.auth.verifyTenantJwt(token) };
    } catch (error) {
      // Anything but our own refusal is a failure of the broker (the database, say): a 500, not a 401.
      if (error instanceof TenantTokenRejectedError) throw new AccessTokenInvalidError();
      throw error;
    }
  }
}

/** The console's session cookie: a user. */
@Injectable()
export class SessionPrincipalSource implements PrincipalSource {
  constructor(private readonly console: ConsoleAuth) {}

  async resolve(req: IncomingMessage): Promise<Principal | undefined> {
    const token = sessionCookieOf(req);
    if (token === undefined && req.headers.cookie?.includes(`${SESSION_COOKIE}=`) !== true) return undefined;
    const session = await this.console.session(token);
    return { kind: 'user', user: session.user, session };
  }
}

/**
 * The one resolution step every authenticated `/api/v1` route goes through. A bearer token wins over a
 * cookie: a script that sends one means it, whatever cookies its client keeps.
 */
@Injectable()
export class PrincipalResolver {
  private readonly sources: readonly PrincipalSource[];

  constructor(jwt: JwtPrincipalSource, session: SessionPrincipalSource) {
    this.sources = [jwt, session];
  }

  async resolve(req: IncomingMessage): Promise<Principal> {
    for (const source of this.sources) {
      const principal = await source.resolve(req);
      if (principal !== undefined) return principal;
    }
    throw new AccessTokenInvalidError();
  }
}
