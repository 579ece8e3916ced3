import { Injectable } from '@nestjs/common';
import { type CemNodeRecord, CemNodeRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { CemNodeNotFoundError } from '../errors/api-error.js';

/** `GET /api/v1/cem-nodes/{id}`. */
@Injectable()
export class GetCemNode {
  constructor(private readonly nodes: CemNodeRepository) {}

  async execute(caller: TenantPrincipal, id: string): Promise<CemNodeRecord> {
    const node = await this.nodes.findInTenant(caller.tenantId, id);
    if (node === null) throw new CemNodeNotFoundError();
    return node;
  }
}
