import { z } from 'zod';
import { component, isoDateTime, page } from '../openapi/components.js';
import { tenantViewSchema } from '../operator/tenant.view.js';

export const operatorTenantSchema = component(
  'OperatorTenant',
  tenantViewSchema.extend({
    counts: z.object({
      cemNodes: z.int(),
      pairings: z.int(),
      liveSessions: z.int().meta({ description: 'RM sessions open now, on any replica' }),
    }),
  }),
);

export const operatorTenantPageSchema = component('OperatorTenantPage', page(operatorTenantSchema));

export const replicaSchema = component(
  'GatewayReplica',
  z.object({
    id: z.string(),
    sessions: z.int().meta({ description: 'RM sessions whose socket the replica holds' }),
    cemChannels: z.int(),
    draining: z.boolean(),
    alive: z.boolean().meta({ description: 'false: its heartbeat stopped; it is about to be reaped' }),
    lastSeenAt: isoDateTime,
  }),
);

export const replicaListSchema = component('GatewayReplicaList', z.object({ items: z.array(replicaSchema) }));

const checkState = z.enum(['up', 'down']);

export const operatorHealthSchema = component(
  'OperatorHealth',
  z.object({
    status: z.enum(['ok', 'degraded']),
    checks: z.object({ postgres: checkState, redis: checkState }),
    replicas: z.object({ alive: z.int(), draining: z.int() }),
  }),
);

export const operatorInvitationRequest = z.strictObject({ email: z.email().max(254) });
