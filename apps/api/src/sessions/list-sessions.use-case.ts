import { Injectable } from '@nestjs/common';
import { type RmEntry, SessionDirectory } from '#cluster';
import { CemNodeRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
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
