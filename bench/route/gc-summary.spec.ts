import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCollections, parsePhases, summarize } from './gc-summary.js';
import { gcTraceArgs, traceLine } from './gc-trace.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A line as V8's --trace-gc-nvp prints it (fields cut down to those read, plus a few that are not). */
const nvp = (gc: string, pause: number, survived: number, promoted: number, backgroundMark = 0) =>
  `[4242:0x2d9b9d80]      111 ms: pause=${pause} mutator=99.6 gc=${gc} reduce_memory=0 ` +
  `scavenge.roots=0.16 new_space_survived=${survived} promoted=${promoted} background.mark=${backgroundMark} ` +
  `promotion_ratio=0.0%`;

describe('gc trace', () => {
  it('is off unless a directory is given', () => {
    expect(gcTraceArgs('')).toEqual([]);
    expect(gcTraceArgs('/some/dir')).toEqual(['--trace-gc-nvp']);
  });

  it('writes each line with the time it was read, to a file named after the process', () => {
    dir = mkdtempSync(join(tmpdir(), 'gc-trace-'));
    traceLine('broker a', 'first', dir, 1_000);
    traceLine('broker a', 'second', dir, 2_000);
    expect(readFileSync(join(dir, 'broker-a.log'), 'utf8')).toBe('1000 first\n2000 second\n');
  });
});

describe('gc summary', () => {
  it('finds the measured phases among the progress lines', () => {
    const phases = parsePhases(
      [
        '100 broker: starting two replicas',
        '200 broker: saturation for 10 s',
        '10300 broker: 5000 messages/s for 3 s',
      ].join('\n'),
    );
    expect(phases).toEqual([
      { target: 'broker', label: 'saturation', start: 200, end: 10_200 },
      { target: 'broker', label: '5000 messages/s', start: 10_300, end: 13_300 },
    ]);
  });

  it('reads the collections and ignores the other output', () => {
    const collections = parseCollections(
      ['500 {"level":30,"msg":"listening"}', `600 ${nvp('mc', 12.5, 0, 4_000, 348.6)}`].join('\n'),
    );
    expect(collections).toEqual([
      { at: 600, kind: 'mc', pauseMs: 12.5, survivedBytes: 0, promotedBytes: 4_000, backgroundMarkMs: 348.6 },
    ]);
  });

  it('reports per phase and replica what happened inside the phase only', () => {
    dir = mkdtempSync(join(tmpdir(), 'gc-summary-'));
    traceLine('bench', 'broker: 5000 messages/s for 2 s', dir, 1_000);
    traceLine('broker a', nvp('s', 4, 1_000_000, 2_000_000), dir, 1_500);
    traceLine('broker a', nvp('s', 8, 3_000_000, 2_000_000), dir, 2_500);
    traceLine('broker a', nvp('mc', 20, 0, 0, 500), dir, 2_900);
    // After the phase: not counted.
    traceLine('broker a', nvp('s', 100, 9_000_000, 9_000_000), dir, 3_100);
    traceLine('broker b', nvp('s', 2, 500_000, 0), dir, 1_200);
    // A process that collected only before the phase (the API process) is left out.
    traceLine('broker api', nvp('s', 3, 0, 0), dir, 900);
    // The baseline's replicas are reported under the baseline's phases only.
    traceLine('baseline relay a', nvp('s', 50, 0, 0), dir, 1_300);
    expect(summarize(dir)).toEqual([
      'broker, 5000 messages/s:',
      '  broker-a: 1.0 scavenges/s, 6.0 ms mean, 8.0 max, 2.00 MB surviving each; 2.00 MB/s promoted; ' +
        'full collection: 20 ms pause after 500 ms marking',
      '  broker-b: 0.5 scavenges/s, 2.0 ms mean, 2.0 max, 0.50 MB surviving each; 0.00 MB/s promoted; no full collection',
    ]);
  });
});
