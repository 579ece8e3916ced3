import { Injectable } from '@nestjs/common';
import { PrismaService, TenantStatus } from '#db';
import { auditRow } from '../mapping.js';
import type { AuditEntry } from '../records.js';
import { isUniqueViolationOn } from '../unique-violation.js';
import { isUuid } from '../uuid.js';
import { USER_FIELDS } from './user-fields.js';
import type {
  InvitationRecord,
  NewConsoleSession,
  NewInvitation,
  NewUser,
  UserCredentials,
  UserRecord,
  UserRole,
} from './user.records.js';

const INVITATION_FIELDS = {
  id: true,
  tenantId: true,
  email: true,
  role: true,
  invitedBy: true,
  expiresAt: true,
  usedAt: true,
  createdAt: true,
} as const;

type Row<T extends { role: UserRole }> = Omit<T, 'role'> & { role: string };

// The column's check constraint allows only these; the cast is where the text becomes the type.
function withRole<T extends { role: UserRole }>(row: Row<T>): T {
  return row as T;
}

/** Why accepting an invitation did not create a user; nothing was written. */
export type AcceptRefusal = 'unknown' | 'spent' | 'expired' | 'email-taken';

/** Console users and their invitations. Every lookup but sign-in's and an invitation's is scoped. */
@Injectable()
export class UserRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** By lower-cased email, across tenants: the email is what tells who signs in. */
  async findCredentials(email: string): Promise<UserCredentials | null> {
    const row = await this.prisma.user.findUnique({
      where: { email },
      select: { ...USER_FIELDS, passwordHash: true, tenant: { select: { status: true } } },
    });
    if (row === null) return null;
    const { tenant, passwordHash, ...user } = row;
    return { user: withRole<UserRecord>(user), passwordHash, tenantActive: tenantIsActive(tenant) };
  }

  async emailTaken(email: string): Promise<boolean> {
    return (await this.prisma.user.findUnique({ where: { email }, select: { id: true } })) !== null;
  }

  /** A tenant's users, oldest first. */
  async listInTenant(tenantId: string): Promise<UserRecord[]> {
    const rows = await this.prisma.user.findMany({
      where: { tenantId },
      select: USER_FIELDS,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(withRole<UserRecord>);
  }

  /** Deletes a tenant's user; its sessions and the invitations it sent go with it (foreign keys). */
  async deleteInTenant(
    tenantId: string,
    id: string,
    audit: (user: UserRecord) => AuditEntry,
  ): Promise<UserRecord | null> {
    if (!isUuid(id)) return null;
    return this.prisma.$transaction(async (tx) => {
      const user = await tx.user.findFirst({ where: { id, tenantId }, select: USER_FIELDS });
      if (user === null) return null;
      const record = withRole<UserRecord>(user);
      await tx.user.delete({ where: { id }, select: { id: true } });
      await tx.auditEvent.create({ data: auditRow(audit(record)), select: { id: true } });
      return record;
    });
  }

  /**
   * Changes a tenant's user: the role, whether they may sign in (`disabledAt`, null to enable), with
   * the entries `audit(before, after)` in the same transaction. Disabling ends the user's sessions and
   * the invitations they sent that nobody used yet: what a user granted goes with them.
   */
  async changeInTenant(
    tenantId: string,
    id: string,
    changes: { role?: UserRole; disabledAt?: Date | null },
    audit: (before: UserRecord, after: UserRecord) => AuditEntry[],
  ): Promise<UserRecord | null> {
    if (!isUuid(id)) return null;
    return this.prisma.$transaction(async (tx) => {
      const found = await tx.user.findFirst({ where: { id, tenantId }, select: USER_FIELDS });
      if (found === null) return null;
      const before = withRole<UserRecord>(found);
      // Disabling a disabled user keeps the first date: it is when they lost access.
      const disabledAt =
        changes.disabledAt === undefined || (changes.disabledAt && before.disabledAt) ? undefined : changes.disabledAt;
      const after = withRole<UserRecord>(
        await tx.user.update({ where: { id }, data: { role: changes.role, disabledAt }, select: USER_FIELDS }),
      );
      if (after.disabledAt !== null) {
        await tx.consoleSession.deleteMany({ where: { userId: id } });
        await tx.userInvitation.deleteMany({ where: { invitedBy: id, usedAt: null } });
      }
      const entries = audit(before, after);
      if (entries.length > 0) await tx.auditEvent.createMany({ data: entries.map(auditRow) });
      return after;
    });
  }

  /** Invitations past their expiry since before `expiredBefore`: for a periodic sweep. */
  async deleteExpiredInvitations(expiredBefore: Date): Promise<number> {
    const { count } = await this.prisma.userInvitation.deleteMany({ where: { expiresAt: { lt: expiredBefore } } });
    return count;
  }

  async createInvitation(invitation: NewInvitation, audit: AuditEntry): Promise<InvitationRecord> {
    const [created] = await this.prisma.$transaction([
      this.prisma.userInvitation.create({ data: invitation, select: INVITATION_FIELDS }),
      this.prisma.auditEvent.create({ data: auditRow(audit), select: { id: true } }),
    ]);
    return withRole<InvitationRecord>(created);
  }

  /**
   * Spends the invitation whose token hashes to `tokenHash` and creates its user, with the audit entry
   * `audit(user)` and a first session, all or nothing. The row lock makes two accepts take turns, so
   * that an invitation is used once.
   */
  async acceptInvitation(
    tokenHash: string,
    at: Date,
    user: (invitation: InvitationRecord) => NewUser,
    audit: (created: UserRecord) => AuditEntry,
    session: (created: UserRecord) => NewConsoleSession,
  ): Promise<UserRecord | { refused: AcceptRefusal }> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const [locked] = await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM user_invitations WHERE token_hash = ${tokenHash} FOR UPDATE`;
        if (locked === undefined) return { refused: 'unknown' as const };
        const invitation = withRole<InvitationRecord>(
          await tx.userInvitation.findUniqueOrThrow({ where: { id: locked.id }, select: INVITATION_FIELDS }),
        );
        if (invitation.usedAt !== null) return { refused: 'spent' as const };
        if (invitation.expiresAt <= at) return { refused: 'expired' as const };
        await tx.userInvitation.update({ where: { id: invitation.id }, data: { usedAt: at }, select: { id: true } });
        const created = withRole<UserRecord>(await tx.user.create({ data: user(invitation), select: USER_FIELDS }));
        await tx.auditEvent.create({ data: auditRow(audit(created)), select: { id: true } });
        await tx.consoleSession.create({ data: session(created), select: { id: true } });
        return created;
      });
    } catch (error) {
      if (isUniqueViolationOn(error, 'email')) return { refused: 'email-taken' };
      throw error;
    }
  }
}

function tenantIsActive(tenant: { status: TenantStatus } | null): boolean {
  return tenant === null || tenant.status === TenantStatus.ACTIVE;
}
