import { z } from 'zod';

/** The metadata of a response shape: its name among the document's `components.schemas`. */
export interface ComponentMeta {
  id: string;
  description?: string;
}

/** Every response shape of the api role, each described once next to the view that builds it. */
export const apiComponents = z.registry<ComponentMeta>();

const COMPONENT_PREFIX = '#/components/schemas/';

export function component<Schema extends z.ZodType>(id: string, schema: Schema, description?: string): Schema {
  apiComponents.add(schema, description === undefined ? { id } : { id, description });
  return schema;
}

export function componentRef(schema: z.ZodType): { $ref: string } {
  const meta = apiComponents.get(schema);
  if (meta === undefined) throw new Error('a response schema must be registered with component()');
  return { $ref: `${COMPONENT_PREFIX}${meta.id}` };
}

export type JsonSchema = Record<string, unknown>;

/**
 * A request's body or query as the OpenAPI 3.0 document shows it: what the client sends (`input`),
 * before defaults and transforms; derived from the very schema `ZodBodyPipe` validates with.
 */
export function requestSchema(schema: z.ZodType): JsonSchema {
  return plainRefs(
    z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }),
  ) as JsonSchema;
}

/**
 * zod wraps a reference it adds nothing to (an optional property, say) in an `allOf` of one, which
 * linters flag and some generators turn into a type of its own: the reference is written plainly.
 * A wrapper with siblings (`nullable`, `description`) stays, since OpenAPI 3.0 ignores a $ref's siblings.
 */
function plainRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(plainRefs);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node);
  const [only] = entries;
  if (entries.length === 1 && only?.[0] === 'allOf' && Array.isArray(only[1]) && only[1].length === 1) {
    return plainRefs(only[1][0]);
  }
  return Object.fromEntries(entries.map(([key, value]) => [key, plainRefs(value)]));
}

/** The `components.schemas` of the document: every registered response shape, refs between them kept. */
export function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(apiComponents, {
    target: 'openapi-3.0',
    io: 'output',
    uri: (id) => `${COMPONENT_PREFIX}${id}`,
  });
  const result: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    // Shared definitions would be refs into a schema, which OpenAPI 3.0 cannot name: a shape that
    // needs one (a recursive one such as z.json()) must be a component of its own.
    if (id === '__shared') throw new Error('a response schema has an unnamed shared part');
    // OpenAPI 3.0 schema objects have no $id.
    const { $id: _id, ...rest } = schema as JsonSchema;
    result[id] = plainRefs(rest) as JsonSchema;
  }
  return result;
}

/** `{statusCode, error, message}`: every error the api role answers. */
export const errorBody = component(
  'ErrorBody',
  z.object({
    statusCode: z.int(),
    error: z.string(),
    message: z.union([z.string(), z.array(z.string())]),
  }),
);

/** A failed pairing as client: with the RM endpoint's own answer, when it gave one. */
export const peerErrorBody = component(
  'PeerErrorBody',
  errorBody.extend({
    peer: z
      .object({ status: z.int(), errorMessage: z.string().optional(), additionalInfo: z.string().optional() })
      .optional(),
  }),
);

/** A cursor-paginated list of `item`. */
export function page<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** A date and time as views send it: `Date.toISOString()`. */
export const isoDateTime = z.iso.datetime();
