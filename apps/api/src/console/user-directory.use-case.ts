import { Injectable } from '@nestjs/common';
import { type UserRecord, UserRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { auditActor } from '../audit/audit-actor.js';
import { UserNotFoundError } from '../errors/api-error.js';

/** `GET /api/v1/users` and `DELETE /api/v1/users/{id}`. */
@Injectable()
export class UserDirectory {
  constructor(private readonly users: UserRepository) {}

  list(tenantId: string): Promise<UserRecord[]> {
    return this.users.listInTenant(tenantId);
  }

  async remove(caller: TenantPrincipal, id: string): Promise<void> {
    const removed = await this.users.deleteInTenant(caller.tenantId, id, (user) => ({
      tenantId: caller.tenantId,
      ...auditActor(caller),
      action: 'user.deleted',
      subjectType: 'user',
      subjectId: id,
      data: { email: user.email, role: user.role },
    }));
    if (removed === null) throw new UserNotFoundError();
  }
}
