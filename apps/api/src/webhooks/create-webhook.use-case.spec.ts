import { describe, expect, it } from 'vitest';
import type { RandomSource } from '#security';
import type { AuditEntry, NewWebhookEndpoint, WebhookEndpointRecord, WebhookRepository } from '#store';
import { CreateWebhook } from './create-webhook.use-case.js';
import { WebhookSecrets } from './webhook-secret.js';

const caller = { tenantId: 't-1', serviceAccountId: 'sa-1' };
const url = 'https://hooks.example.com/s2';

function setup() {
  const written: { endpoint: NewWebhookEndpoint; audit: AuditEntry }[] = [];
  const webhooks = {
    create: (endpoint: NewWebhookEndpoint, audit: AuditEntry): Promise<WebhookEndpointRecord> => {
      written.push({ endpoint, audit });
      const { secret: _secret, ...stored } = endpoint;
      return Promise.resolve({ ...stored, enabled: true, createdAt: new Date(0), updatedAt: new Date(0) });
    },
  } as WebhookRepository;
  const random = { uuid: () => 'e-1', base64: (bytes: number) => 'r'.repeat(bytes) } as RandomSource;
  return { useCase: new CreateWebhook(webhooks, random, new WebhookSecrets(random)), written };
}

describe('CreateWebhook', () => {
  it('draws a secret when none is given, stores it and returns it once', async () => {
    const { useCase, written } = setup();
    const { endpoint, secret } = await useCase.execute(caller, { url, eventTypes: ['pairing.created'] });
    expect(secret).toBe(`whsec_${'r'.repeat(32)}`);
    expect(written[0]?.endpoint).toMatchObject({ id: 'e-1', tenantId: 't-1', secret, description: null });
    expect(endpoint).toMatchObject({ id: 'e-1', url });
  });

  it('keeps the tenant’s secret, and never writes a secret to the audit trail', async () => {
    const { useCase, written } = setup();
    const mine = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
    const { secret } = await useCase.execute(caller, { url, eventTypes: ['session.closed'], secret: mine });
    expect(secret).toBe(mine);
    const audit = written[0]?.audit;
    expect(audit).toMatchObject({ tenantId: 't-1', actorId: 'sa-1', action: 'webhook.created', subjectId: 'e-1' });
    expect(JSON.stringify(audit)).not.toContain(mine);
  });
});
