import { Injectable } from '@nestjs/common';
import { hashToken, PasswordHasher, RandomSource } from '#security';
import { Clock, UserRepository } from '#store';
import { EmailTakenError, InvitationGoneError, InvitationInvalidError } from '../errors/api-error.js';
import { ConsoleAuth, type StartedSession } from './console-auth.service.js';

export interface Acceptance {
  token: string;
  name: string;
  password: string;
}

/** `POST /api/v1/console/invitations/accept`: the invited person chooses a password and is signed in. */
@Injectable()
export class AcceptInvitation {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly random: RandomSource,
    private readonly clock: Clock,
    private readonly console: ConsoleAuth,
  ) {}

  async execute({ token, name, password }: Acceptance): Promise<StartedSession> {
    const userId = this.random.uuid();
    const passwordHash = await this.hasher.hash(password);
    const session = this.console.newSession(userId);
    const result = await this.users.acceptInvitation(
      hashToken(token),
      this.clock.now(),
      (invitation) => ({
        id: userId,
        tenantId: invitation.tenantId,
        email: invitation.email,
        name,
        role: invitation.role,
        passwordHash,
      }),
      (user) => ({
        tenantId: user.tenantId,
        actorType: 'user',
        actorId: user.id,
        actorEmail: user.email,
        action: 'user.joined',
        subjectType: 'user',
        subjectId: user.id,
        data: { role: user.role },
      }),
      () => session.row,
    );
    if ('refused' in result) {
      if (result.refused === 'unknown') throw new InvitationInvalidError();
      if (result.refused === 'email-taken') throw new EmailTakenError();
      throw new InvitationGoneError(result.refused);
    }
    return { cookieToken: session.cookieToken, csrfToken: session.row.csrfToken, user: result };
  }
}
