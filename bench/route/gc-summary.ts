// What V8's collector did in each replica during each measured phase of a route bench run with
// BENCH_GC_TRACE_DIR=<dir> (see gc-trace.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROGRESS, traceFileName } from './gc-trace.js';

export interface Phase {
  readonly target: string;
  readonly label: string;
  readonly start: number;
  readonly end: number;
}

export interface Collection {
  readonly at: number;
  /** `s` scavenge, `mc` mark-compact, `mmc` a mark-compact that also shrank the heap. */
  readonly kind: string;
  readonly pauseMs: number;
  readonly survivedBytes: number;
  readonly promotedBytes: number;
  /** Marking done on helper threads before a mark-compact's pause: CPU the machine had to find. */
  readonly backgroundMarkMs: number;
}

const PHASE = /^(\S+): (saturation|\d+ messages\/s) for (\d+) s$/;

/** The measured phases named in the bench's progress lines (`<ms> <target>: ... for <n> s`). */
export function parsePhases(text: string): Phase[] {
  const phases: Phase[] = [];
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    const match = PHASE.exec(line.slice(space + 1));
    if (space < 0 || match === null) continue;
    const start = Number(line.slice(0, space));
    phases.push({
      target: match[1] as string,
      label: match[2] as string,
      start,
      end: start + Number(match[3]) * 1_000,
    });
  }
  return phases;
}

/** The `--trace-gc-nvp` lines of one replica's output (`<ms> [pid:addr] <t> ms: key=value ...`). */
export function parseCollections(text: string): Collection[] {
  const out: Collection[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes(' ms: pause=')) continue;
    const fields = new Map<string, string>();
    for (const pair of line.slice(line.indexOf(' ms: ') + 5).split(' ')) {
      const eq = pair.indexOf('=');
      if (eq > 0) fields.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const number = (key: string) => Number(fields.get(key) ?? 0);
    out.push({
      at: Number(line.slice(0, line.indexOf(' '))),
      kind: fields.get('gc') ?? '?',
      pauseMs: number('pause'),
      survivedBytes: number('new_space_survived'),
      promotedBytes: number('promoted'),
      backgroundMarkMs: number('background.mark'),
    });
  }
  return out;
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/**
 * One line: scavenges and full collections of one replica in one phase; undefined when it collected
 * nothing then, as a process that was not serving the phase (the broker's API process) does.
 */
export function describe(phase: Phase, collections: readonly Collection[]): string | undefined {
  const within = collections.filter((c) => c.at >= phase.start && c.at < phase.end);
  if (within.length === 0) return undefined;
  const seconds = (phase.end - phase.start) / 1_000;
  const scavenges = within.filter((c) => c.kind === 's');
  const full = within.filter((c) => c.kind !== 's');
  const pauses = scavenges.map((c) => c.pauseMs);
  const scavengeText =
    scavenges.length === 0
      ? 'no scavenge'
      : `${(scavenges.length / seconds).toFixed(1)} scavenges/s, ${(sum(pauses) / pauses.length).toFixed(1)} ms mean, ` +
        `${Math.max(...pauses).toFixed(1)} max, ${mb(sum(scavenges.map((c) => c.survivedBytes)) / scavenges.length)} MB surviving each`;
  const promoted = `${mb(sum(within.map((c) => c.promotedBytes)) / seconds)} MB/s promoted`;
  const fullText =
    full.length === 0
      ? 'no full collection'
      : full.map((c) => `full collection: ${c.pauseMs} ms pause after ${c.backgroundMarkMs} ms marking`).join(', ');
  return `${scavengeText}; ${promoted}; ${fullText}`;
}

/** The report for a BENCH_GC_TRACE_DIR: per measured phase, a line per replica. */
export function summarize(dir: string): string[] {
  const phases = parsePhases(readFileSync(join(dir, traceFileName(PROGRESS)), 'utf8'));
  const processes = readdirSync(dir)
    .filter((file) => file !== traceFileName(PROGRESS))
    .map((file) => ({ file, collections: parseCollections(readFileSync(join(dir, file), 'utf8')) }));
  const lines: string[] = [];
  for (const phase of phases) {
    lines.push(`${phase.target}, ${phase.label}:`);
    for (const { file, collections } of processes.filter((p) => p.file.startsWith(`${phase.target}-`))) {
      const line = describe(phase, collections);
      if (line !== undefined) lines.push(`  ${file.replace(/\.log$/, '')}: ${line}`);
    }
  }
  return lines;
}
