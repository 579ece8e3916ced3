import { type SecretCipher, UnknownSecretKeyError, UnreadableSecretError } from '#security';
// Where each secret the broker reads back is stored. The place is the associated data of its
// ciphertext: a value copied to another row (another node's code, another tenant's endpoint) or
// another column does not open there.

/** A pairing code's token: a node has at most one code, and the node is what the token unlocks. */
export function pairingTokenPlace(cemNodeId: string): string {
  return `pairing_codes.token cem_node_id=${cemNodeId}`;
}

export function webhookSecretPlace(endpointId: string): string {
  return `webhook_endpoints.secret id=${endpointId}`;
}

/** A stored secret that does not open, with the row it is in (never the value). */
export class StoredSecretError extends Error {
  override readonly name = 'StoredSecretError';

  constructor(
    readonly row: string,
    cause: Error,
  ) {
    super(`${row}: ${cause.message}`, { cause });
  }
}

/** The plain value of a stored secret; a value that does not open throws a `StoredSecretError` naming `row`. */
export function openStored(cipher: SecretCipher, stored: string, place: string, row: string): string {
  try {
    return cipher.open(stored, place);
  } catch (error) {
    if (error instanceof UnknownSecretKeyError || error instanceof UnreadableSecretError) {
      throw new StoredSecretError(row, error);
    }
    throw error;
  }
}
