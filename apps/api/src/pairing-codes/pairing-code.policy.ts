import type { PairingCodeKind } from '#store';

/** S2 Connect's pairing URL of the broker: `PUBLIC_URL/pairing/`, with exactly one slash before `pairing`. */
export function pairingUrlOf(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/pairing/`;
}

/** Dynamic codes expire `ttlSeconds` after `now`; static ones (printed, typed again later) never do. */
export function expiryOf(kind: PairingCodeKind, ttlSeconds: number, now: Date): Date | null {
  return kind === 'static' ? null : new Date(now.getTime() + ttlSeconds * 1000);
}
