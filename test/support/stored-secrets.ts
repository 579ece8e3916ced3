// Reads the secrets a test broker stored encrypted, with the key the test helpers give it.
import { parseSecretKeys } from '#config';
import { SecretCipher } from '#security';
import { pairingTokenPlace, webhookSecretPlace } from '#store';
import { TEST_SECRETS_KEYS } from './broker.js';

const keys = parseSecretKeys(TEST_SECRETS_KEYS);
if (!Array.isArray(keys)) throw new Error(`TEST_SECRETS_KEYS ${keys.problem}`);
const cipher = new SecretCipher(keys);

/** The clear token of a `pairing_codes` row, from its `token` and `cem_node_id`. */
export function storedPairingToken(stored: string, cemNodeId: string): string {
  return cipher.open(stored, pairingTokenPlace(cemNodeId));
}

/** The clear secret of a `webhook_endpoints` row, from its `secret` and `id`. */
export function storedWebhookSecret(stored: string, endpointId: string): string {
  return cipher.open(stored, webhookSecretPlace(endpointId));
}
