import { createHmac } from 'node:crypto';

export const DELIVERY_HEADER = 's2broker-delivery';
export const TIMESTAMP_HEADER = 's2broker-timestamp';
export const SIGNATURE_HEADER = 's2broker-signature';

/**
 * `v1=` and the hex HMAC-SHA256, keyed with the endpoint's secret (its UTF-8 bytes), of
 * `<timestamp>.<body>`. The timestamp is signed with the body so that a captured request cannot be
 * replayed later with a fresh timestamp; the version prefix leaves room for another scheme.
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** The headers of one try: the timestamp (Unix seconds) is that of the try, the body never changes. */
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
    [DELIVERY_HEADER]: input.deliveryId,
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: webhookSignature(input.secret, timestamp, input.body),
  };
}
