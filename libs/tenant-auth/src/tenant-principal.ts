import { z } from 'zod';

/** Who is calling the tenant API: what `@CurrentTenant()` gives a handler. */
export interface TenantPrincipal {
  tenantId: string;
  serviceAccountId: string;
}

export const TENANT_JWT_ISSUER = 's2-broker';
export const TENANT_JWT_AUDIENCE = 's2-broker/api';
export const TENANT_JWT_ALGORITHM = 'HS256';

/** The claims the broker puts in a tenant JWT besides iss, aud, iat and exp (checked by the verifier). */
const claims = z.object({ sub: z.guid(), tid: z.guid() });

/** The principal a verified token names, or undefined when its claims are not ours. */
export function principalOfClaims(payload: unknown): TenantPrincipal | undefined {
  const parsed = claims.safeParse(payload);
  return parsed.success ? { tenantId: parsed.data.tid, serviceAccountId: parsed.data.sub } : undefined;
}

export function isTenantPrincipal(value: unknown): value is TenantPrincipal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<TenantPrincipal>).tenantId === 'string' &&
    typeof (value as Partial<TenantPrincipal>).serviceAccountId === 'string'
  );
}
