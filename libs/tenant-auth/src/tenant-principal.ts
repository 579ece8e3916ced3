import { z } from 'zod';

/** A tenant's service account, by its JWT: the CEM channel's caller, and one of the tenant API's. */
export interface ServiceAccountPrincipal {
  tenantId: string;
  serviceAccountId: string;
  user?: undefined;
}

/** A tenant's console user, by its session (or, later, single sign-on). */
export interface UserPrincipal {
  tenantId: string;
  serviceAccountId?: undefined;
  user: { id: string; email: string; role: 'admin' | 'viewer' };
}

/** Who is calling the tenant API: what `@CurrentTenant()` gives a handler. */
export type TenantPrincipal = ServiceAccountPrincipal | UserPrincipal;

export const TENANT_JWT_ISSUER = 's2-broker';
export const TENANT_JWT_AUDIENCE = 's2-broker/api';
export const TENANT_JWT_ALGORITHM = 'HS256';

/** How far a replica's clock may run ahead of the one that issued a token. */
export const TENANT_JWT_CLOCK_SKEW_SECONDS = 60;

/**
 * Every claim the broker puts in a tenant JWT besides iss and aud (the verifier checks those, and exp
 * once it is there). The library accepts a token without exp as one that never expires, so its
 * presence is required here.
 */
const claims = z.object({ sub: z.guid(), tid: z.guid(), iat: z.int(), exp: z.int() });

/**
 * The principal a verified token names, or undefined when its claims are not ours: one the broker
 * would not have issued (no exp or iat, issued in the future, living longer than `maxLifetimeSeconds`).
 */
export function principalOfClaims(
  payload: unknown,
  rules: { maxLifetimeSeconds: number; nowSeconds: number },
): ServiceAccountPrincipal | undefined {
  const parsed = claims.safeParse(payload);
  if (!parsed.success) return undefined;
  const { iat, exp, sub, tid } = parsed.data;
  if (iat > rules.nowSeconds + TENANT_JWT_CLOCK_SKEW_SECONDS || exp <= iat || exp - iat > rules.maxLifetimeSeconds) {
    return undefined;
  }
  return { tenantId: tid, serviceAccountId: sub };
}

export function isTenantPrincipal(value: unknown): value is TenantPrincipal {
  if (typeof value !== 'object' || value === null) return false;
  const { tenantId, serviceAccountId, user } = value as Partial<Record<keyof TenantPrincipal, unknown>>;
  return typeof tenantId === 'string' && (typeof serviceAccountId === 'string' || typeof user === 'object');
}
