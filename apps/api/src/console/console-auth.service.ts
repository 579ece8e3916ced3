import { Injectable } from '@nestjs/common';
import { constantTimeEqual, hashToken, PasswordHasher, RandomSource } from '#security';
import { Clock, ConsoleSessionRepository, type UserRecord, UserRepository } from '#store';
import { NotSignedInError, SignInInvalidError } from '../errors/api-error.js';
import { RateLimits } from '../rate-limit/rate-limits.js';
import { SESSION_IDLE_MS, SESSION_LIFETIME_MS } from './session-cookie.js';

/** What a browser gets on signing in: the cookie's token (never shown to scripts) and the CSRF token. */
export interface StartedSession {
  cookieToken: string;
  csrfToken: string;
  user: UserRecord;
}

export interface LiveSession {
  id: string;
  csrfToken: string;
  user: UserRecord;
}

/** The idle clock moves at most once a minute: most requests read the session without writing it. */
const TOUCH_RESOLUTION_MS = 60_000;

/** Console sign-in and the sessions it starts. */
@Injectable()
export class ConsoleAuth {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: ConsoleSessionRepository,
    private readonly hasher: PasswordHasher,
    private readonly random: RandomSource,
    private readonly clock: Clock,
    private readonly limits: RateLimits,
  ) {}

  /** `address` is the caller's, for the per-address bound on failed attempts; so is the email's. */
  async signIn(email: string, password: string, address: string): Promise<StartedSession> {
    const key = email.toLowerCase();
    await Promise.all([this.limits.signInFailuresByEmail.check(key), this.limits.authFailuresByAddress.check(address)]);
    const found = await this.users.findCredentials(key);
    // An unknown email costs one scrypt too, so that timing does not tell who has an account.
    const matches =
      found === null
        ? await this.hasher.verifyNothing(password)
        : await this.hasher.verify(password, found.passwordHash);
    if (found === null || !matches || found.user.disabledAt !== null || !found.tenantActive) {
      await Promise.all([
        this.limits.signInFailuresByEmail.spend(key),
        this.limits.authFailuresByAddress.spend(address),
      ]);
      throw new SignInInvalidError();
    }
    const session = this.newSession(found.user.id);
    await this.sessions.create(session.row);
    return { cookieToken: session.cookieToken, csrfToken: session.row.csrfToken, user: found.user };
  }

  /** A session row for `userId` and the cookie token it is the hash of. */
  newSession(userId: string): {
    cookieToken: string;
    row: { id: string; userId: string; csrfToken: string; expiresAt: Date };
  } {
    const cookieToken = this.random.base64Url(32);
    const expiresAt = new Date(this.clock.now().getTime() + SESSION_LIFETIME_MS);
    return {
      cookieToken,
      row: { id: hashToken(cookieToken), userId, csrfToken: this.random.base64Url(32), expiresAt },
    };
  }

  /** The live session of a cookie's token; throws `NotSignedInError` for any other. */
  async session(cookieToken: string | undefined): Promise<LiveSession> {
    if (cookieToken === undefined) throw new NotSignedInError();
    const now = this.clock.now();
    const id = hashToken(cookieToken);
    const found = await this.sessions.findLive(id, now, new Date(now.getTime() - SESSION_IDLE_MS));
    if (found === null) throw new NotSignedInError();
    await this.sessions.touch(id, now, new Date(now.getTime() - TOUCH_RESOLUTION_MS));
    return { id, csrfToken: found.csrfToken, user: found.user };
  }

  csrfMatches(session: LiveSession, sent: string | string[] | undefined): boolean {
    return typeof sent === 'string' && constantTimeEqual(sent, session.csrfToken);
  }

  async signOut(session: LiveSession): Promise<void> {
    await this.sessions.delete(session.id);
  }
}
