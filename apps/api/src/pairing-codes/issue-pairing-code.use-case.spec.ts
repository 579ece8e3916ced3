import { describe, expect, it } from 'vitest';
import type { Config } from '#config';
import type {
  AuditEntry,
  CemNodeRecord,
  CemNodeRepository,
  Clock,
  NewPairingCode,
  PairingCodeRepository,
} from '#store';
import type { NodeCodeGenerator } from '../cem-nodes/node-code.generator.js';
import { CemNodeNotFoundError } from '../errors/api-error.js';
import { IssuePairingCode } from './issue-pairing-code.use-case.js';

const caller = { tenantId: 't-1', serviceAccountId: 'sa-1' };
const now = new Date('2026-01-01T00:00:00.000Z');
const node: CemNodeRecord = {
  id: 'n-1',
  tenantId: 't-1',
  nodeIdAlias: 'abc234',
  brand: 'B',
  type: 'T',
  modelName: 'M',
  userDefinedName: null,
  logoUrl: null,
  externalRef: null,
  createdAt: now,
};

function setup(options: { found?: boolean; replaced?: boolean } = {}) {
  const written: { code: NewPairingCode; audit: AuditEntry }[] = [];
  const lengths: number[] = [];
  const config = { publicUrl: 'https://s2.example.com', pairingTokenLength: 12, pairingCodeTtlSeconds: 300 } as Config;
  const nodes = {
    findInTenant: (tenantId: string, id: string) =>
      Promise.resolve(options.found === false || tenantId !== node.tenantId || id !== node.id ? null : node),
  } as CemNodeRepository;
  const pairingCodes = {
    replaceForNode: (code: NewPairingCode, audit: AuditEntry) => {
      written.push({ code, audit });
      return Promise.resolve(options.replaced ?? true);
    },
  } as PairingCodeRepository;
  const codes = {
    pairingToken: (length: number) => {
      lengths.push(length);
      return 'TOKEN123abcd';
    },
  } as NodeCodeGenerator;
  const clock = { now: () => now } as Clock;
  return { useCase: new IssuePairingCode(config, nodes, pairingCodes, codes, clock), written, lengths };
}

describe('IssuePairingCode', () => {
  it('issues a dynamic code with the configured ttl and token length', async () => {
    const { useCase, written, lengths } = setup();
    const issued = await useCase.execute(caller, { cemNodeId: 'n-1' });
    expect(issued).toEqual({
      pairingUrl: 'https://s2.example.com/pairing/',
      pairingCode: 'abc234-TOKEN123abcd',
      nodeIdAlias: 'abc234',
      expiresAt: new Date('2026-01-01T00:05:00.000Z'),
    });
    expect(lengths).toEqual([12]);
    expect(written[0]?.code).toEqual({
      tenantId: 't-1',
      cemNodeId: 'n-1',
      token: 'TOKEN123abcd',
      expiresAt: issued.expiresAt,
    });
  });

  it('honours ttlSeconds', async () => {
    const { useCase } = setup();
    expect((await useCase.execute(caller, { cemNodeId: 'n-1', ttlSeconds: 60 })).expiresAt).toEqual(
      new Date('2026-01-01T00:01:00.000Z'),
    );
  });

  it('audits the issue without the token', async () => {
    const { useCase, written } = setup();
    await useCase.execute(caller, { cemNodeId: 'n-1' });
    const audit = written[0]?.audit;
    expect(audit).toMatchObject({
      tenantId: 't-1',
      actorType: 'service_account',
      actorId: 'sa-1',
      action: 'pairing_code.issued',
      subjectId: 'n-1',
    });
    expect(JSON.stringify(audit)).not.toContain('TOKEN123abcd');
  });

  it("answers another tenant's node as not found, and writes nothing", async () => {
    const { useCase, written } = setup();
    await expect(useCase.execute({ ...caller, tenantId: 't-2' }, { cemNodeId: 'n-1' })).rejects.toBeInstanceOf(
      CemNodeNotFoundError,
    );
    expect(written).toEqual([]);
  });

  it('answers not found when the node went away before the transaction', async () => {
    const { useCase } = setup({ replaced: false });
    await expect(useCase.execute(caller, { cemNodeId: 'n-1' })).rejects.toBeInstanceOf(CemNodeNotFoundError);
  });
});
