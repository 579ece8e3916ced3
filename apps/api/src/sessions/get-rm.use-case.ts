import { Injectable } from '@nestjs/common';
import { type RmEntry, SessionDirectory } from '#cluster';
import { type PairingDetails, PairingViewRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { RmNotFoundError } from '../errors/api-error.js';
import { isSessionOf } from './session.view.js';

export interface RmState {
  pairing: PairingDetails;
  session: RmEntry | undefined;
  /** The last message of each type the RM sent in its live session; empty without one. */
  snapshot: unknown[];
}

/** `GET /api/v1/rms/{rmNodeId}`: an RM of the caller, its live session and that session's snapshot. */
@Injectable()
export class GetRm {
  constructor(
    private readonly pairings: PairingViewRepository,
    private readonly directory: SessionDirectory,
  ) {}

  async execute(caller: TenantPrincipal, rmNodeId: string): Promise<RmState> {
    const pairing = await this.pairings.findInTenant(caller.tenantId, rmNodeId);
    if (pairing === undefined) throw new RmNotFoundError();
    const entry = await this.directory.get(rmNodeId);
    if (!isSessionOf(entry, pairing)) return { pairing, session: undefined, snapshot: [] };
    // Saved by the RM's replica at most a second behind the RM's messages (see SessionDirectory).
    const { snapshot } = await this.directory.savedSession(rmNodeId, entry.sessionId);
    return { pairing, session: entry, snapshot: Object.values(snapshot).map((text) => JSON.parse(text) as unknown) };
  }
}
