import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webhookHeaders, webhookSignature } from './signature.js';

describe('webhookSignature', () => {
  it('is v1= and the hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret', () => {
    const body = '{"id":"d-1","type":"pairing.created"}';
    const expected = createHmac('sha256', 'whsec_key').update(`1700000000.${body}`).digest('hex');
    expect(webhookSignature('whsec_key', 1700000000, body)).toBe(`v1=${expected}`);
  });

  it('changes with the timestamp, the body and the secret', () => {
    const base = webhookSignature('secret', 1, 'body');
    expect(webhookSignature('secret', 2, 'body')).not.toBe(base);
    expect(webhookSignature('secret', 1, 'body ')).not.toBe(base);
    expect(webhookSignature('secret2', 1, 'body')).not.toBe(base);
  });

  it('matches a known vector', () => {
    expect(webhookSignature('key', 0, 'The quick brown fox jumps over the lazy dog')).toBe(
      `v1=${createHmac('sha256', 'key').update('0.The quick brown fox jumps over the lazy dog').digest('hex')}`,
    );
  });
});

describe('webhookHeaders', () => {
  it('carries the delivery id, the try’s Unix time in seconds and the signature of both', () => {
    const headers = webhookHeaders({
      secret: 's',
      deliveryId: 'd-1',
      body: '{}',
      now: new Date('2026-01-01T00:00:01.999Z'),
    });
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      's2broker-delivery': 'd-1',
      's2broker-timestamp': '1767225601',
      's2broker-signature': webhookSignature('s', 1767225601, '{}'),
    });
  });
});
