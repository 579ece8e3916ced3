import { Injectable } from '@nestjs/common';
import { type AuditEntry, Clock, type UserRecord, UserRepository, type UserRole } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { auditActor } from '../audit/audit-actor.js';
import { OwnAccountChangeError, UserNotFoundError } from '../errors/api-error.js';

export interface UserChanges {
  role?: Extract<UserRole, 'admin' | 'viewer'> | undefined;
  disabled?: boolean | undefined;
}

/** `GET /api/v1/users`, `PATCH /api/v1/users/{id}` and `DELETE /api/v1/users/{id}`. */
@Injectable()
export class UserDirectory {
  constructor(
    private readonly users: UserRepository,
    private readonly clock: Clock,
  ) {}

  list(tenantId: string): Promise<UserRecord[]> {
    return this.users.listInTenant(tenantId);
  }

  /** A role or the right to sign in; disabling ends the user's sessions at once. */
  async change(caller: TenantPrincipal, id: string, changes: UserChanges): Promise<UserRecord> {
    if (caller.user?.id === id) throw new OwnAccountChangeError();
    const disabledAt = changes.disabled === undefined ? undefined : changes.disabled ? this.clock.now() : null;
    const changed = await this.users.changeInTenant(
      caller.tenantId,
      id,
      { role: changes.role, disabledAt },
      (before, after) => this.audit(caller, before, after),
    );
    if (changed === null) throw new UserNotFoundError();
    return changed;
  }

  async remove(caller: TenantPrincipal, id: string): Promise<void> {
    const removed = await this.users.deleteInTenant(caller.tenantId, id, (user) => ({
      ...this.entry(caller, id, 'user.deleted'),
      data: { email: user.email, role: user.role },
    }));
    if (removed === null) throw new UserNotFoundError();
  }

  /** One entry per change that is one: a request that changes nothing leaves no trace. */
  private audit(caller: TenantPrincipal, before: UserRecord, after: UserRecord): AuditEntry[] {
    const entries: AuditEntry[] = [];
    if (before.role !== after.role) {
      entries.push({
        ...this.entry(caller, after.id, 'user.role_changed'),
        data: { email: after.email, role: { from: before.role, to: after.role } },
      });
    }
    if ((before.disabledAt === null) !== (after.disabledAt === null)) {
      const action = after.disabledAt === null ? 'user.enabled' : 'user.disabled';
      entries.push({ ...this.entry(caller, after.id, action), data: { email: after.email } });
    }
    return entries;
  }

  private entry(caller: TenantPrincipal, id: string, action: string): AuditEntry {
    return { tenantId: caller.tenantId, ...auditActor(caller), action, subjectType: 'user', subjectId: id, data: {} };
  }
}
