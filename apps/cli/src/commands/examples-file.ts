// The worked examples of the S2 documentation (libs/s2-json/spec/examples), read from the repository
// checkout this command runs from, whether from source or from the build output.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExamples, type ExampleMessage } from '#s2-json';

export const EXAMPLE_PAGES = ['ev', 'heat-pump', 'pv'] as const;
export type ExamplePage = (typeof EXAMPLE_PAGES)[number];

const EXAMPLES_PATH = join('libs', 's2-json', 'spec', 'examples');

export class ExamplesNotFoundError extends Error {
  override readonly name = 'ExamplesNotFoundError';
  readonly code = 'EXAMPLES_NOT_FOUND';
}

export function isExamplePage(name: string): name is ExamplePage {
  return (EXAMPLE_PAGES as readonly string[]).includes(name);
}

/** The example messages of one page, in page order. */
export function loadExamplePage(name: ExamplePage): ExampleMessage[] {
  return parseExamples(readFileSync(join(examplesDir(), `${name}.md`), 'utf8'));
}

/** The runtime image ships dist/ without libs/, so this only works from a checkout. */
function examplesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, EXAMPLES_PATH))) return join(dir, EXAMPLES_PATH);
    if (dirname(dir) === dir) break;
  }
  throw new ExamplesNotFoundError(`cannot find ${EXAMPLES_PATH} in a directory above ${here}`);
}
