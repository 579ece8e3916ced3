import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SPEC_DIR } from './testing/spec-files.js';

const ROOT = join(SPEC_DIR, '../../..');
const GENERATED = join(ROOT, 'libs/s2-json/src/generated');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('generated S2 JSON code', () => {
  const out = mkdtempSync(join(tmpdir(), 's2-json-generated-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is what the committed generator makes from the committed schemas', () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts/generate-s2-json.mjs'), out], { stdio: 'pipe' });
    const expected = files(out)
      .map((f) => relative(out, f))
      .sort();
    expect(
      files(GENERATED)
        .map((f) => relative(GENERATED, f))
        .sort(),
    ).toEqual(expected);
    for (const file of expected) {
      const same = readFileSync(join(out, file), 'utf8') === readFileSync(join(GENERATED, file), 'utf8');
      expect(same, `${file} differs from a fresh generation: run npm run generate:s2-json`).toBe(true);
    }
  }, 60_000);
});

// The specification folder sits beside the repository in the project's workspace; where it does, the
// vendored copies must match it.
const UPSTREAM = join(ROOT, '../shared/spec');
describe.skipIf(!existsSync(UPSTREAM))('vendored specification files', () => {
  const pairs: [string, string][] = [
    ['v0.0.2-beta', 's2-json/s2-json-schema'],
    ['v1.0.0', 's2-json-v1.0.0-beta'],
    ['examples', 'docs/examples'],
  ];
  it.each(pairs)('%s matches the specification folder', (vendored, upstream) => {
    for (const file of files(join(SPEC_DIR, vendored))) {
      const source = join(UPSTREAM, upstream, relative(join(SPEC_DIR, vendored), file));
      expect(readFileSync(file, 'utf8'), relative(SPEC_DIR, file)).toBe(readFileSync(source, 'utf8'));
    }
  });
});
