import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '#config';
import { hashToken, RandomSource } from '#security';
import { type AuditEntry, Clock, TenantRepository, type UserRole, UserRepository } from '#store';
import { EmailTakenError, TenantNotFoundError } from '../errors/api-error.js';
import { type InvitationView, invitationView } from './console.schemas.js';

const INVITATION_LIFETIME_MS = 7 * 24 * 3600 * 1000;

export interface InvitationRequest {
  /** null: an operator. */
  tenantId: string | null;
  email: string;
  role: UserRole;
  /** Who invites, as the audit entry names them; `invitedBy` when it is a user. */
  actor: Pick<AuditEntry, 'actorType' | 'actorId' | 'actorEmail'>;
}

/**
 * An invitation link for a new user: there is no mail server, so the link is the answer, shown once.
 * Only the SHA-256 of its token is stored.
 */
@Injectable()
export class InviteUser {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly users: UserRepository,
    private readonly tenants: TenantRepository,
    private readonly random: RandomSource,
    private readonly clock: Clock,
  ) {}

  async execute({ tenantId, email, role, actor }: InvitationRequest): Promise<InvitationView> {
    const address = email.toLowerCase();
    if (tenantId !== null && (await this.tenants.find(tenantId)) === null) throw new TenantNotFoundError();
    if (await this.users.emailTaken(address)) throw new EmailTakenError();
    const token = this.random.base64Url(32);
    const id = this.random.uuid();
    const invitation = await this.users.createInvitation(
      {
        id,
        tokenHash: hashToken(token),
        tenantId,
        email: address,
        role,
        invitedBy: actor.actorType === 'user' ? actor.actorId : null,
        expiresAt: new Date(this.clock.now().getTime() + INVITATION_LIFETIME_MS),
      },
      {
        tenantId,
        ...actor,
        action: 'user.invited',
        subjectType: 'user_invitation',
        subjectId: id,
        // Never the token or the link: whoever reads the trail must not be able to join with it.
        data: { email: address, role },
      },
    );
    return invitationView(invitation, `${this.config.publicUrl}/console/#/invitation/${token}`);
  }
}
