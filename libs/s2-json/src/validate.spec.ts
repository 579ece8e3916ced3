import { registerSchema, validate as referenceValidate } from '@hyperjump/json-schema/draft-2020-12';
import { beforeAll, describe, expect, it } from 'vitest';
import { validatorsByMessageType as v0_0_2_beta } from './generated/v0_0_2_beta/validators.js';
import { validatorsByMessageType as v1_0_0 } from './generated/v1_0_0/validators.js';
import { minimalInstance, mutations, type Mutation } from './testing/schema-instances.js';
import { loadExamples, loadSchemaSet } from './testing/spec-files.js';
import { messageTypesOf, validateMessage } from './validate.js';
import { S2_JSON_VERSIONS, type S2JsonVersion } from './versions.js';

const COMPILED: Record<S2JsonVersion, Record<string, (data: unknown) => boolean>> = {
  'v1.0.0': v1_0_0,
  'v0.0.2-beta': v0_0_2_beta,
};

const EXPECTED_RULE: Record<Mutation['kind'], readonly string[]> = {
  'missing-required': ['required'],
  'extra-property': ['additionalProperties'],
  'wrong-type': ['type', 'const'],
  'bad-enum': ['enum'],
  'empty-array': ['minItems'],
};

describe('the 38 messages of the worked examples', () => {
  const examples = loadExamples();

  it('are 38', () => {
    expect(examples).toHaveLength(38);
  });

  for (const version of S2_JSON_VERSIONS) {
    it.each(examples.map(({ page, example }, i) => [`${page} #${i} ${example.heading}`, example.message]))(
      `%s is valid S2 JSON ${version}`,
      (_name, message) => {
        const result = validateMessage(version, message);
        expect(result.valid ? [] : result.errors).toEqual([]);
      },
    );
  }
});

describe.each(S2_JSON_VERSIONS)('S2 JSON %s', (version) => {
  const set = loadSchemaSet(version);
  const messageTypes = set.messages.map(
    ({ schema }) => (schema['properties'] as { message_type: { const: string } }).message_type.const,
  );

  it('has a validator for every message schema and nothing else', () => {
    expect([...messageTypesOf(version)].sort()).toEqual([...messageTypes].sort());
  });

  describe.each(set.messages.map(({ name, schema }) => [name, schema] as const))('%s', (_name, schema) => {
    it('accepts its minimal instance', () => {
      const result = validateMessage(version, minimalInstance(set, schema));
      expect(result.valid ? [] : result.errors).toEqual([]);
    });

    const cases = mutations(set, schema);
    it('has a negative case of every kind the schema allows', () => {
      const kinds = new Set(cases.map((c) => c.kind));
      expect(kinds).toContain('missing-required');
      expect(kinds).toContain('extra-property');
      expect(kinds).toContain('wrong-type');
    });

    it.each(cases.map((c) => [c.kind, c.path, c] as const))(
      'rejects %s at %s, naming the path and rule',
      (kind, path, c) => {
        const result = validateMessage(version, c.instance);
        expect(result.valid).toBe(false);
        if (result.valid) return;
        const [first] = result.errors;
        if (path === '/message_type') {
          // Without a usable message_type there is no schema to dispatch to.
          expect(first?.path).toBe('/message_type');
          return;
        }
        expect(first?.path).toBe(path);
        expect(EXPECTED_RULE[kind]).toContain(first?.rule);
        expect(first?.message.length).toBeGreaterThan(0);
      },
    );
  });
});

describe('agreement with an independent JSON Schema 2020-12 validator', () => {
  const sets = Object.fromEntries(S2_JSON_VERSIONS.map((v) => [v, loadSchemaSet(v)])) as Record<
    S2JsonVersion,
    ReturnType<typeof loadSchemaSet>
  >;

  beforeAll(() => {
    for (const version of S2_JSON_VERSIONS)
      for (const schema of sets[version].byName.values())
        registerSchema(schema as Parameters<typeof registerSchema>[0]);
  });

  // A deterministic PRNG, so a disagreement can be replayed.
  function prng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const ODD_VALUES: unknown[] = [
    null,
    true,
    0,
    -1,
    1.5,
    1e308,
    '',
    'x',
    '!!',
    'id-1',
    '2026-13-45',
    [],
    [1],
    {},
    { a: 1 },
    'ELECTRICITY',
  ];

  type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

  function mutate(value: Json, random: () => number, depth = 0): Json {
    if (Array.isArray(value)) {
      const copy = [...value];
      const r = random();
      if (copy.length > 0 && r < 0.4) {
        const i = Math.floor(random() * copy.length);
        copy[i] = mutate(copy[i] as Json, random, depth + 1);
      } else if (r < 0.6) copy.pop();
      else if (r < 0.8 && copy.length > 0) copy.push(copy[0] as Json);
      else copy.push(ODD_VALUES[Math.floor(random() * ODD_VALUES.length)] as Json);
      return copy;
    }
    if (value !== null && typeof value === 'object') {
      const copy = { ...value };
      const keys = Object.keys(copy);
      const r = random();
      if (keys.length > 0 && r < 0.5) {
        const key = keys[Math.floor(random() * keys.length)] as string;
        copy[key] = mutate(copy[key] as Json, random, depth + 1);
      } else if (keys.length > 0 && r < 0.7) delete copy[keys[Math.floor(random() * keys.length)] as string];
      else copy[`extra_${Math.floor(random() * 3)}`] = 1;
      return copy;
    }
    return ODD_VALUES[Math.floor(random() * ODD_VALUES.length)] as Json;
  }

  for (const version of S2_JSON_VERSIONS) {
    // Seconds of work: not the default five-second budget of a unit test on a busy machine.
    it(
      `agrees on every message type, its examples and 5,000 mutations of them (${version})`,
      { timeout: 120_000 },
      async () => {
        const set = sets[version];
        const seeds: { id: string; type: string; instance: Json }[] = [];
        for (const { schema } of set.messages) {
          const type = (schema['properties'] as { message_type: { const: string } }).message_type.const;
          seeds.push({ id: schema['$id'] as string, type, instance: minimalInstance(set, schema) });
        }
        for (const { example } of loadExamples()) {
          const seed = seeds.find((s) => s.type === example.message['message_type']);
          if (seed) seeds.push({ ...seed, instance: example.message as Json });
        }
        const random = prng(version === 'v1.0.0' ? 1 : 2);
        let disagreements: string[] = [];
        let invalidSeen = 0;
        for (let i = 0; i < 5000; i++) {
          const seed = seeds[i % seeds.length] as (typeof seeds)[number];
          let instance = seed.instance;
          const rounds = 1 + Math.floor(random() * 3);
          for (let r = 0; r < rounds; r++) instance = mutate(instance, random);
          const ours = COMPILED[version][seed.type]?.(instance);
          const reference = (await referenceValidate(seed.id, instance)).valid;
          if (!reference) invalidSeen++;
          if (ours !== reference)
            disagreements.push(`${seed.type}: ${JSON.stringify(instance)} ours=${ours} reference=${reference}`);
        }
        disagreements = disagreements.slice(0, 5);
        expect(disagreements).toEqual([]);
        // The fuzzer must exercise both answers, or agreement proves little.
        expect(invalidSeen).toBeGreaterThan(1000);
        expect(invalidSeen).toBeLessThan(4990);
      },
    );
  }
});
