import { Injectable } from '@nestjs/common';
import { ReplicaRegistry, type ReplicaSummary } from '#cluster';
import { HealthService } from '#health';
import { type ListPosition, type PageRequest, TenantRepository } from '#store';
import { tenantView } from '../operator/tenant.view.js';
import type { z } from 'zod';
import type { operatorHealthSchema, operatorTenantSchema } from './operator-view.schemas.js';

export type OperatorTenantView = z.output<typeof operatorTenantSchema>;
export type OperatorHealthView = z.output<typeof operatorHealthSchema>;

/** What the operator's console pages read: tenants with their counts, the replicas, health. */
@Injectable()
export class OperatorOverview {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly registry: ReplicaRegistry,
    private readonly health: HealthService,
  ) {}

  async tenantPage(
    page: PageRequest<ListPosition>,
  ): Promise<{ items: OperatorTenantView[]; nextCursor: string | null }> {
    const found = await this.tenants.listWithCounts(page);
    const live = await this.registry.liveSessions(found.items.map((tenant) => tenant.id));
    return {
      items: found.items.map((tenant) => ({
        ...tenantView(tenant),
        counts: { cemNodes: tenant.cemNodes, pairings: tenant.pairings, liveSessions: live.get(tenant.id) ?? 0 },
      })),
      nextCursor: found.nextCursor,
    };
  }

  replicas(): Promise<ReplicaSummary[]> {
    return this.registry.replicas();
  }

  async healthNow(): Promise<OperatorHealthView> {
    const { body } = await this.health.readiness();
    const replicas = body.checks.redis === 'up' ? await this.registry.replicas() : [];
    const alive = replicas.filter((replica) => replica.alive);
    const up = body.checks.postgres === 'up' && body.checks.redis === 'up';
    return {
      status: up && alive.length > 0 ? 'ok' : 'degraded',
      checks: body.checks,
      replicas: { alive: alive.length, draining: alive.filter((replica) => replica.draining).length },
    };
  }
}
