// Redis keys shared by every replica. Secrets never appear in a key: they are hashed first.
export const KEY_PREFIX = 's2b:';

export const keys = {
  pairingAttempt: (attemptIdHash: string) => `${KEY_PREFIX}pairing-attempt:${attemptIdHash}`,
  nodePairingGate: (cemNodeId: string) => `${KEY_PREFIX}pairing-gate:${cemNodeId}`,
  websocketToken: (tokenHash: string) => `${KEY_PREFIX}ws-token:${tokenHash}`,
  events: () => `${KEY_PREFIX}events`,
} as const;
