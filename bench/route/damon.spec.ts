import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { damonMonitors, describeDamon } from './damon.js';

let root: string;

/** Writes `files` (path relative to the fake sysfs root -> content) and returns the root. */
function sysfs(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'damon-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), `${content}\n`);
  }
  return root;
}

afterEach(() => rmSync(root, { recursive: true, force: true }));

const context = (k: string, c: string, operations: string, sampleUs: number) => ({
  [`${k}/contexts/${c}/operations`]: operations,
  [`${k}/contexts/${c}/monitoring_attrs/intervals/sample_us`]: String(sampleUs),
});

describe('damonMonitors', () => {
  it('reads each monitor, its contexts and what their schemes do', () => {
    const dir = sysfs({
      '0/state': 'on',
      ...context('0', '0', 'paddr', 500_000),
      '0/contexts/0/schemes/0/action': 'pageout',
      '0/contexts/0/schemes/1/action': 'stat',
      '1/state': 'off',
      ...context('1', '0', 'vaddr', 5_000),
      nr_kdamonds: '2',
    });
    expect(damonMonitors(dir)).toEqual([
      { state: 'on', contexts: [{ operations: 'paddr', sampleMs: 500, actions: ['pageout', 'stat'] }] },
      { state: 'off', contexts: [{ operations: 'vaddr', sampleMs: 5, actions: [] }] },
    ]);
  });

  it('finds none where the kernel has no DAMON', () => {
    expect(damonMonitors(join(sysfs({}), 'missing'))).toEqual([]);
  });

  it('says it cannot tell when the settings cannot be read', () => {
    const dir = sysfs({ ...context('0', '0', 'paddr', 500_000) });
    mkdirSync(join(dir, '0', 'state'));
    expect(damonMonitors(dir)).toBeNull();
  });
});

describe('describeDamon', () => {
  it('names the running monitors, how often they sample and what they do', () => {
    expect(
      describeDamon([
        { state: 'on', contexts: [{ operations: 'paddr', sampleMs: 500, actions: ['pageout'] }] },
        { state: 'off', contexts: [{ operations: 'vaddr', sampleMs: 5, actions: [] }] },
      ]),
    ).toBe('kernel memory monitor (DAMON): on, paddr, sampling every 500 ms (pageout)');
  });

  it('says off when none runs, and unknown when it could not be read', () => {
    expect(describeDamon([{ state: 'off', contexts: [] }])).toBe('kernel memory monitor (DAMON): off');
    expect(describeDamon([])).toBe('kernel memory monitor (DAMON): off');
    expect(describeDamon(null)).toMatch(/unknown/);
  });
});
