// Builds instances from a schema for tests: the smallest valid one, and, from it, one broken
// instance per kind of mistake (missing required property, extra property, wrong type, bad enum,
// empty array where an item is required). The schemas use a small subset of JSON Schema, so a small
// walker suffices.
import type { JsonSchema, SchemaSet } from './spec-files.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Mutation {
  readonly kind: 'missing-required' | 'extra-property' | 'wrong-type' | 'bad-enum' | 'empty-array';
  /** JSON Pointer of the property that was broken. */
  readonly path: string;
  readonly instance: Json;
}

export function resolve(set: SchemaSet, schema: JsonSchema): JsonSchema {
  const ref = schema['$ref'];
  if (typeof ref !== 'string') return schema;
  const name = ref.replace(/^.*\//, '').replace(/\.schema\.json$/, '');
  const target = set.byName.get(name);
  if (!target) throw new Error(`unresolved $ref ${ref}`);
  return resolve(set, target);
}

export function minimalInstance(set: SchemaSet, input: JsonSchema): Json {
  const schema = resolve(set, input);
  if ('const' in schema) return schema['const'] as Json;
  if (Array.isArray(schema['enum'])) return schema['enum'][0] as Json;
  if (schema['pattern'] !== undefined) return 'id-1';
  switch (schema['type']) {
    case 'string':
      return schema['format'] === 'date-time' ? '2026-11-27T10:00:00Z' : 'text';
    case 'number':
    case 'integer':
      return typeof schema['minimum'] === 'number' ? schema['minimum'] : 1;
    case 'boolean':
      return true;
    case 'array': {
      const count = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
      return Array.from({ length: count }, () => minimalInstance(set, schema['items'] as JsonSchema));
    }
  }
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = (schema['required'] ?? []) as string[];
  return Object.fromEntries(required.map((key) => [key, minimalInstance(set, properties[key] as JsonSchema)]));
}

function wrongTypeValue(schema: JsonSchema): Json {
  if (typeof schema['const'] === 'string' || schema['type'] === 'string') return 42;
  if (schema['type'] === 'array') return {};
  if (schema['type'] === 'object' || schema['properties'] !== undefined) return [];
  if (schema['type'] === 'boolean') return 'true';
  if (schema['type'] === 'integer') return 1.5;
  return 'not a number';
}

function clone<T extends Json>(value: T): T {
  return structuredClone(value);
}

function setAt(root: Json, path: readonly (string | number)[], value: Json | undefined): Json {
  const copy = clone(root);
  let node = copy as { [key: string]: Json } | Json[];
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, Json>)[key] as typeof node;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete (node as Record<string | number, Json>)[last];
  else (node as Record<string | number, Json>)[last] = value;
  return copy;
}

const pointer = (path: readonly (string | number)[]) => path.map((p) => `/${p}`).join('');

/** Every single-mistake mutation of the minimal instance, at every depth. */
export function mutations(set: SchemaSet, messageSchema: JsonSchema): Mutation[] {
  const root = minimalInstance(set, messageSchema);
  const out: Mutation[] = [];
  const walk = (input: JsonSchema, path: (string | number)[]): void => {
    const schema = resolve(set, input);
    const isObject = schema['properties'] !== undefined;
    if (isObject) {
      const properties = schema['properties'] as Record<string, JsonSchema>;
      for (const key of (schema['required'] ?? []) as string[]) {
        out.push({
          kind: 'missing-required',
          path: pointer([...path, key]),
          instance: setAt(root, [...path, key], undefined),
        });
      }
      if (schema['additionalProperties'] === false) {
        out.push({
          kind: 'extra-property',
          path: pointer([...path, 'unexpected_property']),
          instance: setAt(root, [...path, 'unexpected_property'], 1),
        });
      }
      for (const key of (schema['required'] ?? []) as string[]) walk(properties[key] as JsonSchema, [...path, key]);
      return;
    }
    if (path.length === 0) return;
    out.push({ kind: 'wrong-type', path: pointer(path), instance: setAt(root, path, wrongTypeValue(schema)) });
    if (Array.isArray(schema['enum'])) {
      out.push({ kind: 'bad-enum', path: pointer(path), instance: setAt(root, path, 'NOT_A_VALUE_OF_THIS_ENUM') });
    }
    if (schema['type'] === 'array') {
      if (typeof schema['minItems'] === 'number' && schema['minItems'] >= 1) {
        out.push({ kind: 'empty-array', path: pointer(path), instance: setAt(root, path, []) });
        walk(schema['items'] as JsonSchema, [...path, 0]);
      }
    }
  };
  walk(messageSchema, []);
  return out;
}
