import { describe, expect, it } from 'vitest';
import type { Config } from '#config';
import { NewWebhookPipe, WebhookChangesPipe } from './webhook-body.pipes.js';

const config = (allowHttp: boolean) => ({ webhooks: { allowHttp } }) as Config;
const body = { url: 'http://hooks.internal/s2', eventTypes: ['pairing.created', 'pairing.created'] };

describe('the webhook body pipes', () => {
  it('check the URL against the deployment after the schema', () => {
    expect(() => new NewWebhookPipe(config(false)).transform(body)).toThrow(
      'url: must be an https:// URL (http:// only to a loopback address)',
    );
    expect(new NewWebhookPipe(config(true)).transform(body)).toEqual({ ...body, eventTypes: ['pairing.created'] });
  });

  it('name the fields the schema refuses first', () => {
    expect(() => new NewWebhookPipe(config(false)).transform({ url: 'x', eventTypes: [] })).toThrow(
      'eventTypes: must name at least one event type',
    );
  });

  it('leave a change without a URL alone', () => {
    expect(new WebhookChangesPipe(config(false)).transform({ enabled: false })).toEqual({ enabled: false });
    expect(() => new WebhookChangesPipe(config(false)).transform({ url: 'https://a@b.example/' })).toThrow(
      'url: must not contain credentials',
    );
  });
});
