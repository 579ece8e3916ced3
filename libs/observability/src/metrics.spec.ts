import { describe, expect, it } from 'vitest';
import { Metrics, TenantLabels } from './metrics.js';

const NAMED = '6f1c2e9a-0b7d-4c3e-9a1f-2d4b6c8e0a1b';

describe('Metrics', () => {
  it('counts per-tenant gauges only for the named tenants, every other one as other', async () => {
    const metrics = new Metrics();
    const held = [{ tenantId: NAMED }, { tenantId: NAMED }, { tenantId: 'a' }, { tenantId: 'b' }, { tenantId: 'c' }];
    metrics.tenantGaugeOf('s2b_things_by_tenant', 'things', new TenantLabels([NAMED]), () => held);
    const text = await metrics.registry.metrics();
    expect(text).toContain(`s2b_things_by_tenant{tenant="${NAMED}"} 2`);
    expect(text).toContain('s2b_things_by_tenant{tenant="other"} 3');
    expect(text).not.toContain('tenant="a"');
  });

  it('exports a named tenant with nothing to count as 0, not as a missing series', async () => {
    const metrics = new Metrics();
    metrics.tenantGaugeOf('s2b_things_by_tenant', 'things', new TenantLabels([NAMED]), () => []);
    const text = await metrics.registry.metrics();
    expect(text).toContain(`s2b_things_by_tenant{tenant="${NAMED}"} 0`);
    expect(text).toContain('s2b_things_by_tenant{tenant="other"} 0');
  });

  it('exports the routing latency as a cumulative histogram per direction', async () => {
    const metrics = new Metrics();
    const latency = metrics.routingLatency('rm_to_cem');
    latency.observe(0.00005);
    latency.observe(0.0015);
    latency.observe(5);
    const text = await metrics.registry.metrics();
    expect(text).toContain('s2b_routing_latency_seconds_bucket{direction="rm_to_cem",le="0.0001"} 1');
    expect(text).toContain('s2b_routing_latency_seconds_bucket{direction="rm_to_cem",le="0.002"} 2');
    expect(text).toContain('s2b_routing_latency_seconds_bucket{direction="rm_to_cem",le="2.5"} 2');
    expect(text).toContain('s2b_routing_latency_seconds_bucket{direction="rm_to_cem",le="+Inf"} 3');
    expect(text).toContain('s2b_routing_latency_seconds_count{direction="rm_to_cem"} 3');
    expect(text).toMatch(/s2b_routing_latency_seconds_sum\{direction="rm_to_cem"\} 5\.0015/);
  });

  it('counts messages of a type the schemas do not name as other, never as a label of their own', async () => {
    const metrics = new Metrics();
    const types = metrics.messageTypes('cem_to_rm', ['ReceptionStatus']);
    types.count('ReceptionStatus');
    types.count('Teleport');
    types.count(42);
    const text = await metrics.registry.metrics();
    expect(text).toContain('s2b_messages_received_total{direction="cem_to_rm",type="ReceptionStatus"} 1');
    expect(text).toContain('s2b_messages_received_total{direction="cem_to_rm",type="other"} 2');
    expect(text).not.toContain('Teleport');
  });
});
