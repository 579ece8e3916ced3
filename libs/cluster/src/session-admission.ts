import { Injectable } from '@nestjs/common';
import type { HistoryPolicy } from '#inspection';
import type { SessionPolicy, TenantStatus } from '#store';
import { SessionDirectory } from './session-directory.js';

/** Whether a new RM session may start: `tenant-unavailable` for a suspended or deleted tenant. */
export type Admission = 'admitted' | 'tenant-unavailable' | 'quota-reached';

/**
 * The rule on its own. An RM that already has a live session is always admitted: its new session
 * replaces the old one, so the tenant's count does not grow.
 */
export function admissionOf(
  tenant: { status: TenantStatus; maxSessions: number | null } | null,
  load: { live: number; alreadyLive: boolean },
): Admission {
  if (tenant === null || tenant.status !== 'active') return 'tenant-unavailable';
  if (tenant.maxSessions === null || load.alreadyLive) return 'admitted';
  return load.live < tenant.maxSessions ? 'admitted' : 'quota-reached';
}

/**
 * Asked by `initiateSession` (to answer the RM in S2 Connect terms) and again by the RM's WebSocket
 * upgrade (websocket tokens outlive the check by up to 45 s). Two RMs that connect within the same few
 * milliseconds may both pass: the count is read, not reserved.
 */
@Injectable()
export class SessionAdmission {
  constructor(private readonly directory: SessionDirectory) {}

  /**
   * The admission, and the tenant's message history policy for the session. The tenant's policy comes
   * in read already, in the same statement as the pairing (null when the tenant is gone).
   */
  async admit(
    tenant: SessionPolicy | null,
    tenantId: string,
    rmNodeId: string,
  ): Promise<{ admission: Admission; history: HistoryPolicy | null }> {
    const history = tenant?.history ?? null;
    if (tenant === null || tenant.status !== 'active' || tenant.maxSessions === null) {
      return { admission: admissionOf(tenant, { live: 0, alreadyLive: false }), history };
    }
    return { admission: admissionOf(tenant, await this.directory.tenantLoad(tenantId, rmNodeId)), history };
  }
}
