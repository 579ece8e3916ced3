import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { webhookHeaders, webhookSecretProblem, webhookSignature, webhookSigningKey } from './signature.js';

const KEY = Buffer.alloc(32, 7);
const SECRET = `whsec_${KEY.toString('base64')}`;

describe('webhookSignature', () => {
  it('is v1, and the Base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" keyed with the bytes the secret encodes', () => {
    const body = '{"id":"d-1","type":"pairing.created"}';
    const expected = createHmac('sha256', KEY).update(`d-1.1700000000.${body}`).digest('base64');
    expect(webhookSignature(SECRET, 'd-1', 1700000000, body)).toBe(`v1,${expected}`);
  });

  it('matches the Standard Webhooks reference library', () => {
    const body = '{"test": 2432232314}';
    const at = new Date(1614265330 * 1000);
    const reference = new Webhook(SECRET);
    expect(webhookSignature(SECRET, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body)).toBe(
      reference.sign('msg_p5jXN8AQM9LWM0D4loKWxJek', at, body),
    );
  });

  it('changes with the id, the timestamp, the body and the secret', () => {
    const base = webhookSignature(SECRET, 'a', 1, 'body');
    expect(webhookSignature(SECRET, 'b', 1, 'body')).not.toBe(base);
    expect(webhookSignature(SECRET, 'a', 2, 'body')).not.toBe(base);
    expect(webhookSignature(SECRET, 'a', 1, 'body ')).not.toBe(base);
    expect(webhookSignature(`whsec_${Buffer.alloc(32, 8).toString('base64')}`, 'a', 1, 'body')).not.toBe(base);
  });
});

describe('webhookSigningKey', () => {
  it('decodes a whsec_ secret', () => {
    expect(webhookSigningKey(SECRET)).toEqual(KEY);
  });

  it.each([
    ['a secret a tenant chose before the form was required', 'my-own-webhook-secret-0123456789abcdef'],
    ['a secret drawn as base64url before', `whsec_${Buffer.alloc(32, 0xfb).toString('base64url')}`],
  ])('keys %s with its UTF-8 bytes, as the reference library’s raw format does', (_, secret) => {
    expect(webhookSigningKey(secret)).toEqual(Buffer.from(secret, 'utf8'));
    const body = '{}';
    const headers = webhookHeaders({ secret, deliveryId: 'd-1', body, now: new Date() });
    expect(new Webhook(secret, { format: 'raw' }).verify(body, headers)).toEqual({});
  });

  it('keys a secret with characters beyond ASCII with its UTF-8 bytes, which the library takes as a Uint8Array', () => {
    const secret = 'geheimes-Schlüssel-für-Webhooks-0123456789';
    const body = '{}';
    const headers = webhookHeaders({ secret, deliveryId: 'd-1', body, now: new Date() });
    expect(new Webhook(Buffer.from(secret, 'utf8'), { format: 'raw' }).verify(body, headers)).toEqual({});
  });
});

describe('webhookSecretProblem', () => {
  it.each([24, 32, 64])('accepts whsec_ and the Base64 of %i bytes', (bytes) => {
    expect(webhookSecretProblem(`whsec_${Buffer.alloc(bytes, 1).toString('base64')}`)).toBeUndefined();
  });

  it.each([
    ['no prefix', Buffer.alloc(32).toString('base64'), 'must start with whsec_'],
    ['base64url', `whsec_${Buffer.alloc(32, 0xfb).toString('base64url')}`, 'followed by standard Base64'],
    ['no padding', `whsec_${Buffer.alloc(32).toString('base64').replace(/=+$/, '')}`, 'followed by standard Base64'],
    ['nothing after the prefix', 'whsec_', 'followed by standard Base64'],
    ['too short a key', `whsec_${Buffer.alloc(23).toString('base64')}`, 'must encode 24 to 64 bytes, not 23'],
    ['too long a key', `whsec_${Buffer.alloc(65).toString('base64')}`, 'must encode 24 to 64 bytes, not 65'],
  ])('refuses %s', (_, secret, problem) => {
    expect(webhookSecretProblem(secret)).toContain(problem);
  });
});

describe('webhookHeaders', () => {
  it('carries the delivery id, the try’s Unix time in seconds and the signature of both and the body', () => {
    const headers = webhookHeaders({
      secret: SECRET,
      deliveryId: 'd-1',
      body: '{}',
      now: new Date('2026-01-01T00:00:01.999Z'),
    });
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': 'd-1',
      'webhook-timestamp': '1767225601',
      'webhook-signature': webhookSignature(SECRET, 'd-1', 1767225601, '{}'),
    });
  });

  it('verifies with the Standard Webhooks reference library, and not with another secret', () => {
    const body = '{"id":"d-1"}';
    const headers = webhookHeaders({ secret: SECRET, deliveryId: 'd-1', body, now: new Date() });
    expect(new Webhook(SECRET).verify(body, headers)).toEqual({ id: 'd-1' });
    const other = new Webhook(`whsec_${Buffer.alloc(32, 9).toString('base64')}`);
    expect(() => other.verify(body, headers)).toThrow('No matching signature found');
  });
});
