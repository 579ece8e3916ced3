export interface PairingCodeView {
  pairingUrl: string;
  pairingCode: string;
  nodeIdAlias: string;
  expiresAt: string | null;
}

export function pairingCodeView(issued: {
  pairingUrl: string;
  pairingCode: string;
  nodeIdAlias: string;
  expiresAt: Date | null;
}): PairingCodeView {
  return { ...issued, expiresAt: issued.expiresAt?.toISOString() ?? null };
}
