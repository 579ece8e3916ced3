import type { ServiceAccountRecord } from '../../../../libs/store/src/index.js';

export interface ServiceAccountView {
  id: string;
  name: string;
  clientId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** With the secret: only in the answer that created it. */
export interface ServiceAccountWithSecretView extends ServiceAccountView {
  clientSecret: string;
}

export function serviceAccountView(account: ServiceAccountRecord): ServiceAccountView {
  return {
    id: account.id,
    name: account.name,
    clientId: account.clientId,
    createdAt: account.createdAt.toISOString(),
    lastUsedAt: account.lastUsedAt?.toISOString() ?? null,
    revokedAt: account.revokedAt?.toISOString() ?? null,
  };
}
