import { createHmac } from 'node:crypto';

// Standard Webhooks (https://www.standardwebhooks.com/): receivers verify with any of its libraries.
export const ID_HEADER = 'webhook-id';
export const TIMESTAMP_HEADER = 'webhook-timestamp';
export const SIGNATURE_HEADER = 'webhook-signature';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** The key sizes Standard Webhooks allows (192 to 512 bits); the broker draws 32 bytes. */
export const MIN_WEBHOOK_KEY_BYTES = 24;
export const MAX_WEBHOOK_KEY_BYTES = 64;

// Padded, standard alphabet: what the Standard Webhooks libraries decode. Node's own decoder would
// also take base64url or missing padding, which those libraries refuse.
const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function encodedKey(secret: string): string | undefined {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) return undefined;
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  return encoded !== '' && STANDARD_BASE64.test(encoded) ? encoded : undefined;
}

/**
 * Why a secret a tenant offers cannot be used, or undefined when it can: it must be `whsec_` and the
 * standard Base64 of 24 to 64 bytes, so that every Standard Webhooks library can verify with it.
 */
export function webhookSecretProblem(secret: string): string | undefined {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) return `must start with ${WEBHOOK_SECRET_PREFIX}`;
  const encoded = encodedKey(secret);
  if (encoded === undefined) {
    return `must be ${WEBHOOK_SECRET_PREFIX} followed by standard Base64 (A-Z a-z 0-9 + /, padded with =)`;
  }
  const bytes = Buffer.from(encoded, 'base64').length;
  if (bytes < MIN_WEBHOOK_KEY_BYTES || bytes > MAX_WEBHOOK_KEY_BYTES) {
    return `must encode ${MIN_WEBHOOK_KEY_BYTES} to ${MAX_WEBHOOK_KEY_BYTES} bytes, not ${bytes}`;
  }
  return undefined;
}

/**
 * The HMAC key of a secret: the bytes a `whsec_<base64>` secret encodes. A secret stored before the
 * broker required that form (a tenant's own, or one drawn as base64url) keys with its UTF-8 bytes, as
 * it always did; Standard Webhooks libraries take such a key with their "raw" secret format.
 */
export function webhookSigningKey(secret: string): Buffer {
  const encoded = encodedKey(secret);
  return encoded === undefined ? Buffer.from(secret, 'utf8') : Buffer.from(encoded, 'base64');
}

/**
 * `v1,` and the Base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`. The id and the timestamp are signed
 * with the body so that a captured request can be replayed neither later nor as another delivery.
 */
export function webhookSignature(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', webhookSigningKey(secret)).update(`${id}.${timestamp}.${body}`, 'utf8');
  return `v1,${mac.digest('base64')}`;
}

/**
 * The headers of one try: the id is the delivery's (the same on every try, so receivers can drop
 * repeats), the timestamp (Unix seconds) that of the try; the body never changes.
 */
export function webhookHeaders(input: {
  secret: string;
  deliveryId: string;
  body: string;
  now: Date;
}): Record<string, string> {
  const timestamp = Math.floor(input.now.getTime() / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 's2-broker-webhooks/1',
    [ID_HEADER]: input.deliveryId,
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: webhookSignature(input.secret, input.deliveryId, timestamp, input.body),
  };
}
