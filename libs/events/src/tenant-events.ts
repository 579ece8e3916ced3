/**
 * Events that end a tenant's (or one of its service accounts') live sockets on every replica. They go
 * on the same stream as the pairing events, so that one consumer per replica sees them in order.
 */
export type TenantEvent =
  | { readonly type: 'tenant.suspended'; readonly tenantId: string }
  | { readonly type: 'tenant.deleted'; readonly tenantId: string }
  | { readonly type: 'service-account.revoked'; readonly tenantId: string; readonly serviceAccountId: string };

const TYPES: ReadonlySet<string> = new Set(['tenant.suspended', 'tenant.deleted', 'service-account.revoked']);

export function isTenantEvent(event: { readonly type: string }): event is TenantEvent {
  return TYPES.has(event.type);
}
