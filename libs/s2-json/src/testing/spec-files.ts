// Test-only access to the vendored specification files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExamples, type ExampleMessage } from '../examples.js';
import type { S2JsonVersion } from '../versions.js';

/** The repository root, found from here whether this runs from source or from the build output. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'libs/s2-json/spec'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root from ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const SPEC_DIR = join(repositoryRoot(), 'libs/s2-json/spec');

export type JsonSchema = { [key: string]: unknown };

export interface SchemaSet {
  /** file base name (`FRBC.Instruction`) -> schema, for messages and their parts alike */
  readonly byName: ReadonlyMap<string, JsonSchema>;
  readonly messages: readonly { name: string; schema: JsonSchema }[];
}

function readFolder(folder: string): { name: string; schema: JsonSchema }[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.schema\.json$/, ''),
      schema: JSON.parse(readFileSync(join(folder, f), 'utf8')) as JsonSchema,
    }));
}

export function loadSchemaSet(version: S2JsonVersion): SchemaSet {
  const dir = join(SPEC_DIR, version);
  const messages = readFolder(join(dir, 'messages'));
  const parts = readFolder(join(dir, 'schemas'));
  return { byName: new Map([...parts, ...messages].map(({ name, schema }) => [name, schema])), messages };
}

export const EXAMPLE_PAGES = ['ev', 'heat-pump', 'pv'] as const;

export function loadExamples(): { page: string; example: ExampleMessage }[] {
  return EXAMPLE_PAGES.flatMap((page) =>
    parseExamples(readFileSync(join(SPEC_DIR, 'examples', `${page}.md`), 'utf8')).map((example) => ({ page, example })),
  );
}
