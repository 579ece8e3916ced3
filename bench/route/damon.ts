// Whether the kernel's data access monitor (DAMON) watched the machine's memory during the run. Some
// virtual machines run it to find memory to give back to their host, sampling pages all over physical
// memory every interval; on a 2-core machine sampling every 500 ms, the broker's p99 at 2,000 sessions
// and 5,000 msg/s was 2.2 to 2.5 times the baseline's with it on and half the baseline's with it off
// (see bench/README.md). Reported beside the figures, so that runs compare only under the same monitor.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DamonContext {
  /** `paddr` watches all physical memory; `vaddr` and `fvaddr` the processes named. */
  readonly operations: string;
  readonly sampleMs: number;
  /** What its schemes do with the memory they pick (pageout, hugepage, stat, ...). */
  readonly actions: readonly string[];
}

export interface DamonMonitor {
  readonly state: string;
  readonly contexts: readonly DamonContext[];
}

const DAMON_SYSFS = '/sys/kernel/mm/damon/admin/kdamonds';

/** The numbered entries of a DAMON sysfs directory, in order; none when it is missing. */
function indexed(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(a) - Number(b))
    .map((name) => join(dir, name));
}

const read = (file: string) => readFileSync(file, 'utf8').trim();

/**
 * Every DAMON monitor the kernel has, on or off; [] where it has none (or no DAMON at all); null when
 * they cannot be read (the files are root's).
 */
export function damonMonitors(root = DAMON_SYSFS): DamonMonitor[] | null {
  try {
    return readMonitors(root);
  } catch {
    return null;
  }
}

function readMonitors(root: string): DamonMonitor[] {
  return indexed(root).map((kdamond) => ({
    state: read(join(kdamond, 'state')),
    contexts: indexed(join(kdamond, 'contexts')).map((context) => ({
      operations: read(join(context, 'operations')),
      sampleMs: Number(read(join(context, 'monitoring_attrs', 'intervals', 'sample_us'))) / 1_000,
      actions: indexed(join(context, 'schemes')).map((scheme) => read(join(scheme, 'action'))),
    })),
  }));
}

/** One line for the report: what watched the memory during the run. */
export function describeDamon(monitors: readonly DamonMonitor[] | null): string {
  if (monitors === null)
    return "kernel memory monitor (DAMON): unknown (its settings could not be read; they are root's)";
  const running = monitors.filter((m) => m.state === 'on');
  if (running.length === 0) return 'kernel memory monitor (DAMON): off';
  const contexts = running.flatMap((m) => m.contexts);
  const each = contexts.map(
    (c) =>
      `${c.operations}, sampling every ${c.sampleMs} ms${c.actions.length > 0 ? ` (${c.actions.join(', ')})` : ''}`,
  );
  return `kernel memory monitor (DAMON): on, ${each.join('; ') || 'no context'}`;
}
