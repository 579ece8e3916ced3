/** S2 Connect's pairing URL of the broker: `PUBLIC_URL/pairing/`, with exactly one slash before `pairing`. */
export function pairingUrlOf(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/pairing/`;
}

/** A code expires `ttlSeconds` after `now`: every code is dynamic. */
export function expiryOf(ttlSeconds: number, now: Date): Date {
  return new Date(now.getTime() + ttlSeconds * 1000);
}
