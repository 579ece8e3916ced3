import { Body, Delete, Get, Header, HttpCode, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { ApiCookieAuth, ApiTags } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { CsrfTokenInvalidError } from '../errors/api-error.js';
import { PublicApiController } from '../http/api-controller.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import { CONSOLE_SECURITY } from '../openapi/api-docs.js';
import { RateLimits } from '../rate-limit/rate-limits.js';
import { AcceptInvitation } from './accept-invitation.use-case.js';
import { ConsoleAuth, type StartedSession } from './console-auth.service.js';
import { acceptInvitationRequest, consoleSessionSchema, signInRequest, userView } from './console.schemas.js';
import { clearSessionCookie, CSRF_HEADER, sessionCookieOf, setSessionCookie } from './session-cookie.js';

type SessionView = z.output<typeof consoleSessionSchema>;

function signedIn(res: ServerResponse, started: StartedSession): SessionView {
  setSessionCookie(res, started.cookieToken);
  return { user: userView(started.user), csrfToken: started.csrfToken };
}

/** Signing in and out of the console; the session then authenticates `/api/v1` like a tenant JWT. */
@PublicApiController('api/v1/console')
@ApiTags('Console')
export class ConsoleSessionController {
  constructor(
    private readonly console: ConsoleAuth,
    private readonly accept: AcceptInvitation,
    private readonly limits: RateLimits,
  ) {}

  @Post('session')
  @ApiEndpoint({
    summary: 'Sign in: sets the session cookie and answers the CSRF token',
    body: signInRequest,
    ok: { status: HttpStatus.OK, schema: consoleSessionSchema },
    errors: [HttpStatus.UNAUTHORIZED, HttpStatus.TOO_MANY_REQUESTS],
  })
  @HttpCode(HttpStatus.OK)
  @Header('cache-control', 'no-store')
  async signIn(
    @Body(new ZodBodyPipe(signInRequest)) body: z.output<typeof signInRequest>,
    @Req() req: IncomingMessage,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<SessionView> {
    return signedIn(res, await this.console.signIn(body.email, body.password, this.limits.addressOf(req)));
  }

  @Get('session')
  @ApiCookieAuth(CONSOLE_SECURITY)
  @ApiEndpoint({
    summary: 'The signed-in user and the CSRF token',
    ok: { status: HttpStatus.OK, schema: consoleSessionSchema },
    errors: [HttpStatus.UNAUTHORIZED],
  })
  @Header('cache-control', 'no-store')
  async current(@Req() req: IncomingMessage): Promise<SessionView> {
    const session = await this.console.session(sessionCookieOf(req));
    return { user: userView(session.user), csrfToken: session.csrfToken };
  }

  @Delete('session')
  @ApiCookieAuth(CONSOLE_SECURITY)
  @ApiEndpoint({
    summary: 'Sign out: ends the session and clears the cookie',
    ok: { status: HttpStatus.NO_CONTENT },
    errors: [HttpStatus.UNAUTHORIZED, HttpStatus.FORBIDDEN],
  })
  @HttpCode(HttpStatus.NO_CONTENT)
  async signOut(@Req() req: IncomingMessage, @Res({ passthrough: true }) res: ServerResponse): Promise<void> {
    const session = await this.console.session(sessionCookieOf(req));
    if (!this.console.csrfMatches(session, req.headers[CSRF_HEADER])) throw new CsrfTokenInvalidError();
    await this.console.signOut(session);
    clearSessionCookie(res);
  }

  @Post('invitations/accept')
  @ApiEndpoint({
    summary: 'Accept an invitation: creates the user with this name and password, and signs them in',
    body: acceptInvitationRequest,
    ok: { status: HttpStatus.OK, schema: consoleSessionSchema },
    errors: [HttpStatus.CONFLICT, HttpStatus.GONE],
  })
  @HttpCode(HttpStatus.OK)
  @Header('cache-control', 'no-store')
  async acceptInvitation(
    @Body(new ZodBodyPipe(acceptInvitationRequest)) body: z.output<typeof acceptInvitationRequest>,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<SessionView> {
    return signedIn(res, await this.accept.execute(body));
  }
}
