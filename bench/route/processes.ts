// Every process the route bench starts, so that all of them end with it: on success, on error and on
// SIGINT (stopAll), and even when the driver itself exits abruptly (killAllNow from an 'exit' hook).
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { traceLine } from './gc-trace.js';

/** Output lines kept per process, for the one-line error when it fails. */
const TAIL_LINES = 40;

export interface Managed {
  readonly name: string;
  readonly child: ChildProcess;
  /** The last lines of stdout and stderr, oldest first. */
  readonly tail: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** Resolves with the first output line matching `predicate`; rejects on exit or after `timeoutMs`. */
  waitForLine(predicate: (line: string) => boolean, timeoutMs: number): Promise<string>;
}

function manage(name: string, child: ChildProcess): Managed {
  const tail: string[] = [];
  const watchers = new Set<(line: string) => void>();
  const onLine = (line: string) => {
    traceLine(name, line);
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    for (const watcher of watchers) watcher(line);
  };
  if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
  if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', () => resolve({ code: null, signal: null }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  }).finally(() => {
    ended = true;
  });
  return {
    name,
    child,
    tail,
    exited,
    hasExited: () => ended,
    waitForLine(predicate, timeoutMs) {
      const found = tail.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const done = (error: Error | undefined, line = '') => {
          clearTimeout(timer);
          watchers.delete(watcher);
          if (error) reject(error);
          else resolve(line);
        };
        const watcher = (line: string) => {
          if (predicate(line)) done(undefined, line);
        };
        const timer = setTimeout(() => done(new Error(`${name}: no answer within ${timeoutMs / 1000} s`)), timeoutMs);
        watchers.add(watcher);
        void exited.then(() => done(new Error(`${name} exited during startup: ${lastWords(tail)}`)));
      });
    },
  };
}

/** The last meaningful output line of a failed process, for a one-line error. */
export function lastWords(tail: readonly string[]): string {
  const line = [...tail].reverse().find((l) => l.trim() !== '');
  return line === undefined ? '(no output)' : line.trim().slice(0, 300);
}

export class ProcessGroup {
  private readonly members = new Set<Managed>();

  /** `node script args` with piped output; `ipc` gives it a channel whose end tells it the driver is gone. */
  spawnNode(
    name: string,
    script: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    ipc = false,
    nodeArgs: readonly string[] = [],
  ): Managed {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
    });
    return this.track(manage(name, child));
  }

  /** A load worker: IPC with structured clone, so typed arrays of samples travel as they are. */
  forkWorker(name: string, script: string): Managed {
    const child = fork(script, [], {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    return this.track(manage(name, child));
  }

  /** SIGTERM, SIGKILL after `graceMs`, then at most 2 s more for the exit to be seen. */
  async stop(member: Managed, graceMs: number): Promise<void> {
    if (!member.hasExited()) {
      member.child.kill('SIGTERM');
      const kill = setTimeout(() => member.child.kill('SIGKILL'), graceMs);
      let giveUp: NodeJS.Timeout | undefined;
      await Promise.race([member.exited, new Promise((resolve) => (giveUp = setTimeout(resolve, graceMs + 2_000)))]);
      clearTimeout(kill);
      clearTimeout(giveUp);
    }
    this.members.delete(member);
  }

  async stopAll(graceMs: number): Promise<void> {
    await Promise.all([...this.members].map((member) => this.stop(member, graceMs)));
  }

  /** Synchronous, for process 'exit': whatever is still running is killed outright. */
  killAllNow(): void {
    for (const member of this.members) {
      if (!member.hasExited()) member.child.kill('SIGKILL');
    }
    this.members.clear();
  }

  private track(member: Managed): Managed {
    this.members.add(member);
    return member;
  }
}

/** VmRSS of a process in KiB, from /proc (Linux). */
export function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

/** A port that was free a moment ago: bound to port 0 on 127.0.0.1 and released. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
