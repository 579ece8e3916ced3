import { Injectable } from '@nestjs/common';
import { PrismaService } from '#db';
import { type ListPosition, type Page, type PageRequest, pastPosition, positionPage } from '../keyset-page.js';
import type { PairingRecord } from './pairing.repository.js';

/** A pairing as the tenant API shows it. */
export interface PairingDetails extends PairingRecord {
  readonly rmNodeDescription: unknown;
  readonly rmEndpointDescription: unknown;
  readonly pairedAt: Date;
}

export interface PairingListing extends PageRequest<ListPosition> {
  cemNodeId?: string | undefined;
}

const DETAILS = {
  id: true,
  tenantId: true,
  cemNodeId: true,
  rmNodeId: true,
  rmNodeDescription: true,
  rmEndpointDescription: true,
  pairedAt: true,
} as const;

/** Reads of pairings for the tenant API; every method takes the tenant id. Changes are `PairingRepository`'s. */
@Injectable()
export class PairingViewRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Oldest first (then by id), `limit` at most, after `after`. */
  async listInTenant(tenantId: string, listing: PairingListing): Promise<Page<PairingDetails>> {
    const rows = await this.prisma.pairing.findMany({
      where: {
        tenantId,
        ...(listing.cemNodeId === undefined ? {} : { cemNodeId: listing.cemNodeId }),
        ...pastPosition('pairedAt', listing.after),
      },
      orderBy: [{ pairedAt: 'asc' }, { id: 'asc' }],
      take: listing.limit + 1,
      select: DETAILS,
    });
    return positionPage(rows, listing.limit, 'pairedAt');
  }

  async findInTenant(tenantId: string, rmNodeId: string): Promise<PairingDetails | undefined> {
    return (await this.prisma.pairing.findFirst({ where: { tenantId, rmNodeId }, select: DETAILS })) ?? undefined;
  }
}
