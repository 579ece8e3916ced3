// Child processes of the tests (the CLI, example programs), with their output as lines.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Running {
  readonly stdout: string[];
  readonly stderr: string[];
  /** stdout's lines that are JSON objects. */
  json(): Record<string, unknown>[];
  readonly exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

/** `node ARGS` with only the variables given (and PATH), so that nothing leaks in from the test's. */
export function startNode(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Running {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => stdout.push(line));
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  return {
    stdout,
    stderr,
    json: () =>
      stdout.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>),
    exited: new Promise((resolve) => child.once('close', (code) => resolve(code))),
    kill: (signal) => child.kill(signal),
  };
}

/** Waits for `check`; on timeout the error shows `output()`, what the processes said. */
export async function until(check: () => boolean, what: string, output: () => unknown, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(output())}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The CLI's `simulate-rm` arguments (after the CLI's path) for a pairing code, then ARGS. */
export function simulateRm(code: { pairingUrl: string; pairingCode: string }, ...args: string[]): string[] {
  return ['simulate-rm', '--pairing-url', code.pairingUrl, '--pairing-code', code.pairingCode, ...args];
}
