import type { HistoryPolicy } from '#inspection';

/**
 * Events about a tenant (or one of its service accounts) that every replica acts on for its own live
 * sockets: suspension, deletion and revocation end them; a changed history policy applies to the
 * tenant's live sessions at once. They go on the same stream as the pairing events, so that one consumer
 * per replica sees them in order.
 */
export type TenantEvent =
  | { readonly type: 'tenant.suspended'; readonly tenantId: string }
  | { readonly type: 'tenant.deleted'; readonly tenantId: string }
  | { readonly type: 'service-account.revoked'; readonly tenantId: string; readonly serviceAccountId: string }
  | { readonly type: 'tenant.history-changed'; readonly tenantId: string; readonly history: HistoryPolicy | null };

const TYPES: ReadonlySet<string> = new Set([
  'tenant.suspended',
  'tenant.deleted',
  'service-account.revoked',
  'tenant.history-changed',
]);

export function isTenantEvent(event: { readonly type: string }): event is TenantEvent {
  return TYPES.has(event.type);
}
