import { Injectable } from '@nestjs/common';
import { type RmEntry, SessionDirectory } from '../../../../libs/routing/src/session-directory.js';
import { CemNodeRepository } from '../../../../libs/store/src/index.js';
import type { TenantPrincipal } from '../auth/tenant-principal.js';
import { CemNodeNotFoundError } from '../errors/api-error.js';

/** `GET /api/v1/sessions`: the caller's live RM sessions, from the session directory, oldest first. */
@Injectable()
export class ListSessions {
  constructor(
    private readonly nodes: CemNodeRepository,
    private readonly directory: SessionDirectory,
  ) {}

  async execute(caller: TenantPrincipal, cemNodeId?: string): Promise<[string, RmEntry][]> {
    if (cemNodeId !== undefined && (await this.nodes.findInTenant(caller.tenantId, cemNodeId)) === null) {
      throw new CemNodeNotFoundError();
    }
    const live = await this.directory.getMany(await this.directory.tenantSessions(caller.tenantId));
    return [...live]
      .filter(
        ([, entry]) => entry.tenantId === caller.tenantId && (cemNodeId === undefined || entry.cemNodeId === cemNodeId),
      )
      .sort(([a, x], [b, y]) => x.connectedAt.localeCompare(y.connectedAt) || a.localeCompare(b));
  }
}
