import { describe, expect, it } from 'vitest';
import type { RandomSource } from '#security';
import type { AuditEntry, CemNodeRepository, CreateCemNodeResult, NewCemNode } from '#store';
import { ExternalRefTakenError } from '../errors/api-error.js';
import { CreateCemNode, NODE_ID_ALIAS_ATTEMPTS } from './create-cem-node.use-case.js';
import type { NodeCodeGenerator } from './node-code.generator.js';

const caller = { tenantId: 't-1', serviceAccountId: 'sa-1' };
const request = { brand: 'B', type: 'T', modelName: 'M', externalRef: 'site-1' };
const created = new Date('2026-01-01T00:00:00.000Z');

function setup(outcomes: ('ok' | 'nodeIdAlias' | 'externalRef')[]) {
  const attempts: { node: NewCemNode; audit: AuditEntry }[] = [];
  let alias = 0;
  const nodes = {
    create: (node: NewCemNode, audit: AuditEntry): Promise<CreateCemNodeResult> => {
      attempts.push({ node, audit });
      const outcome = outcomes[attempts.length - 1] ?? 'nodeIdAlias';
      return Promise.resolve(outcome === 'ok' ? { node: { ...node, createdAt: created } } : { conflict: outcome });
    },
  } as CemNodeRepository;
  const random = { uuid: () => '11111111-2222-4333-8444-555555555555' } as RandomSource;
  const codes = { nodeIdAlias: () => `alias${++alias}` } as NodeCodeGenerator;
  return { useCase: new CreateCemNode(nodes, random, codes), attempts };
}

describe('CreateCemNode', () => {
  it('creates the node in the caller’s tenant with a random id', async () => {
    const { useCase, attempts } = setup(['ok']);
    const node = await useCase.execute(caller, request);
    expect(node).toMatchObject({
      id: '11111111-2222-4333-8444-555555555555',
      tenantId: 't-1',
      nodeIdAlias: 'alias1',
      userDefinedName: null,
      logoUrl: null,
      externalRef: 'site-1',
    });
    expect(attempts[0]?.audit).toMatchObject({ action: 'cem_node.created', actorId: 'sa-1', tenantId: 't-1' });
  });

  it('draws another alias when one is taken', async () => {
    const { useCase, attempts } = setup(['nodeIdAlias', 'nodeIdAlias', 'ok']);
    expect((await useCase.execute(caller, request)).nodeIdAlias).toBe('alias3');
    expect(attempts.map((attempt) => attempt.node.id)).toEqual(Array(3).fill('11111111-2222-4333-8444-555555555555'));
  });

  it('gives up after a bounded number of collisions', async () => {
    const { useCase, attempts } = setup([]);
    await expect(useCase.execute(caller, request)).rejects.toThrow('no free node id alias');
    expect(attempts).toHaveLength(NODE_ID_ALIAS_ATTEMPTS);
  });

  it('refuses a duplicate externalRef', async () => {
    const { useCase, attempts } = setup(['externalRef']);
    await expect(useCase.execute(caller, request)).rejects.toBeInstanceOf(ExternalRefTakenError);
    expect(attempts).toHaveLength(1);
  });
});
