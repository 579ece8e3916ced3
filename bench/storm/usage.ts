// CPU and RSS of the processes a storm runs on, read from /proc every 250 ms: the peak of each over the
// run (CPU as the share of one core over the last second or so, as timed).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { rssKiB } from '../route/processes.js';

const SAMPLE_MS = 250;
const WINDOW = 1_000 / SAMPLE_MS;
/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface Peak {
  readonly name: string;
  /** Percent of one core, over the busiest second. */
  cpuPercent: number;
  rssMiB: number;
  /** CPU seconds spent from start() to stop(). */
  cpuSeconds: number;
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces); utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export class UsageWatcher {
  private readonly peaks = new Map<number, Peak>();
  /** [ticks, ms] of each sample: a starved driver samples late, so the window is timed, not assumed. */
  private readonly history = new Map<number, [number, number][]>();
  private readonly first = new Map<number, number>();
  private timer?: NodeJS.Timeout;

  watch(name: string, pid: number): void {
    this.peaks.set(pid, { name, cpuPercent: 0, rssMiB: 0, cpuSeconds: 0 });
    this.history.set(pid, []);
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  stop(): Peak[] {
    clearInterval(this.timer);
    return [...this.peaks.values()];
  }

  private sample(): void {
    for (const [pid, peak] of this.peaks) {
      try {
        const ticks = this.history.get(pid) as [number, number][];
        const now = cpuTicks(pid);
        ticks.push([now, performance.now()]);
        if (!this.first.has(pid)) this.first.set(pid, now);
        peak.cpuSeconds = (now - (this.first.get(pid) as number)) / TICKS_PER_SECOND;
        if (ticks.length > WINDOW + 1) ticks.shift();
        if (ticks.length === WINDOW + 1) {
          const [last, lastAt] = ticks.at(-1) as [number, number];
          const [oldest, oldestAt] = ticks[0] as [number, number];
          const percent = ((last - oldest) / TICKS_PER_SECOND / ((lastAt - oldestAt) / 1000)) * 100;
          peak.cpuPercent = Math.max(peak.cpuPercent, Math.round(percent));
        }
        peak.rssMiB = Math.max(peak.rssMiB, Math.round(rssKiB(pid) / 1024));
      } catch {
        // The process is gone (the replica the storm kills): its peak stays what it was.
      }
    }
  }
}
