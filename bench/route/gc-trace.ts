// BENCH_GC_TRACE_DIR=<dir>: every replica of both targets runs with V8's `--trace-gc-nvp`, and each
// process's output lines and the bench's own progress lines go to files there, prefixed with the
// wall-clock time they were read. `node dist/bench/route/gc.js <dir>` then says, per phase and replica, how often
// it scavenged, for how long, and how much it promoted: far steadier figures than a p99, and the
// ones that explained the broker's tail at 5,000 msg/s (see bench/README.md).
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const DIR = process.env['BENCH_GC_TRACE_DIR'];
/** Directories already created: one mkdir per directory, not one per line. */
const made = new Set<string>();

/** The V8 flag replicas get when tracing. */
export function gcTraceArgs(dir = DIR): string[] {
  return dir ? ['--trace-gc-nvp'] : [];
}

/** `broker a` -> `broker-a.log`. */
export function traceFileName(name: string): string {
  return `${name.replace(/[^A-Za-z0-9_-]+/g, '-')}.log`;
}

/** The name (file `bench.log`) the bench's progress lines go under. */
export const PROGRESS = 'bench';

/** Appends `<ms since epoch> <line>` to `<dir>/<name>.log`; nothing when tracing is off. */
export function traceLine(name: string, line: string, dir = DIR, now = Date.now()): void {
  if (!dir) return;
  if (!made.has(dir)) {
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  appendFileSync(join(dir, traceFileName(name)), `${now} ${line}\n`);
}
