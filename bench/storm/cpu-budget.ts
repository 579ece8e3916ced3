// CPU seconds spent by every process a phase runs on, read from /proc before and after it: the driver
// itself, the broker's processes, and the PostgreSQL and Redis servers they talk to. On a machine whose
// cores are all busy, starts per second are bounded by the CPU one start costs across all of them, and
// that cost varies far less between runs than the rate does.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface CpuPart {
  readonly name: string;
  /** The processes counted as this part, found again at each reading (PostgreSQL forks per connection). */
  readonly pids: () => readonly number[];
}

function ticks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function processes(): { pid: number; comm: string; cmdline: string }[] {
  const out: { pid: number; comm: string; cmdline: string }[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\u0000', ' ');
      out.push({ pid, comm, cmdline });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return out;
}

/** Every PostgreSQL server process (postmaster, backends, background workers). */
export const postgresPids = (): number[] => processes().flatMap((p) => (p.comm === 'postgres' ? [p.pid] : []));

/** The redis-server listening on `port` (its command line names the port). */
export const redisPids = (port: number): number[] =>
  processes().flatMap((p) => (p.comm === 'redis-server' && p.cmdline.includes(`:${port}`) ? [p.pid] : []));

/** This process: the driver. */
export const selfPid = (): number[] => [process.pid];

export class CpuBudget {
  private readonly pidsSeen = new Map<string, Map<number, number>>();

  constructor(private readonly parts: readonly CpuPart[]) {}

  start(): void {
    for (const part of this.parts) {
      const seen = new Map<number, number>();
      for (const pid of part.pids()) seen.set(pid, ticks(pid));
      this.pidsSeen.set(part.name, seen);
    }
  }

  /** CPU seconds of each part since start(); processes that started meanwhile count from zero. */
  stop(): { name: string; cpuSeconds: number }[] {
    return this.parts.map((part) => {
      const seen = this.pidsSeen.get(part.name) ?? new Map<number, number>();
      let spent = 0;
      for (const pid of part.pids()) spent += ticks(pid) - (seen.get(pid) ?? 0);
      return { name: part.name, cpuSeconds: Math.max(0, spent) / TICKS_PER_SECOND };
    });
  }
}

/**
 * Connections the kernel dropped because a listening socket's queue was full (TcpExt ListenOverflows),
 * machine-wide: each is a device waiting out TCP's retransmission backoff before any process sees it.
 */
export function listenOverflows(): number {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    const names = lines.find((line) => line.startsWith('TcpExt:'))?.split(' ') ?? [];
    const values = lines.filter((line) => line.startsWith('TcpExt:'))[1]?.split(' ') ?? [];
    return Number(values[names.indexOf('ListenOverflows')] ?? 0);
  } catch {
    return 0;
  }
}
