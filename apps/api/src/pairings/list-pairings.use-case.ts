import { Injectable } from '@nestjs/common';
import { SessionDirectory } from '#cluster';
import { CemNodeRepository, type Page, type PairingDetails, type PairingListing, PairingViewRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { CemNodeNotFoundError } from '../errors/api-error.js';
import { isSessionOf } from '../sessions/session.view.js';

export type PairingPage = Page<{ pairing: PairingDetails; connected: boolean }>;

/** `GET /api/v1/pairings`: one page of the caller's pairings, oldest first, with who is connected now. */
@Injectable()
export class ListPairings {
  constructor(
    private readonly nodes: CemNodeRepository,
    private readonly pairings: PairingViewRepository,
    private readonly directory: SessionDirectory,
  ) {}

  async execute(caller: TenantPrincipal, request: PairingListing): Promise<PairingPage> {
    if (
      request.cemNodeId !== undefined &&
      (await this.nodes.findInTenant(caller.tenantId, request.cemNodeId)) === null
    ) {
      throw new CemNodeNotFoundError();
    }
    const page = await this.pairings.listInTenant(caller.tenantId, request);
    // One pipelined read for the whole page.
    const live = await this.directory.getMany(page.items.map((pairing) => pairing.rmNodeId));
    return {
      items: page.items.map((pairing) => ({ pairing, connected: isSessionOf(live.get(pairing.rmNodeId), pairing) })),
      nextCursor: page.nextCursor,
    };
  }
}
