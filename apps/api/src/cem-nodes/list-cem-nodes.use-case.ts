import { Injectable } from '@nestjs/common';
import { type CemNodeListing, type CemNodeRecord, CemNodeRepository, type Page } from '#store';
import type { TenantPrincipal } from '#tenant-auth';

/** `GET /api/v1/cem-nodes`: one page of the caller's nodes, oldest first, or the one with an externalRef. */
@Injectable()
export class ListCemNodes {
  constructor(private readonly nodes: CemNodeRepository) {}

  execute(caller: TenantPrincipal, listing: CemNodeListing): Promise<Page<CemNodeRecord>> {
    return this.nodes.listInTenant(caller.tenantId, listing);
  }
}
