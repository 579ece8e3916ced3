// The README's walk-through, pasted into bash against a running broker as a reader would after
// `npm start`: its shell block runs as it stands, only the broker's URL and the operator's token come
// from the environment (the block reads them from there before falling back to npm start's defaults).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, startBroker, TEST_OPERATOR_TOKEN } from './support/broker.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

let broker: Broker;

beforeAll(async () => {
  broker = await startBroker();
});

afterAll(async () => {
  await broker?.stop();
});

/** The first shell block of the README's section of that title. */
function walkThrough(title: string): string {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith(`${title}\n`));
  const block = section === undefined ? null : /```sh\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error(`README.md has no shell block under "## ${title}"`);
  return block[1];
}

describe("the README's walk-through", () => {
  it('runs in bash and shows the RM messages arriving on the CEM channel, and the RM answered', async () => {
    const script = walkThrough('Five minutes with the broker');
    // An interactive shell, which a reader pastes into, has job control: `kill %1` ends the whole job.
    const child = spawn('bash', ['-c', `set -m\n${script}`], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        S2_BROKER_URL: broker.url,
        S2_BROKER_INTERNAL_URL: broker.internalUrl,
        OPERATOR_TOKEN: TEST_OPERATOR_TOKEN,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A walk-through that hangs must not outlive the test: the whole process group goes.
    const guard = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 150_000);
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearTimeout(guard);

    const lines = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const frames = lines.filter((line) => typeof line['type'] === 'string');
    const messageOf = (line: Record<string, unknown>) => line['message'] as Record<string, unknown> | undefined;
    expect(code, stderr).toBe(0);
    expect(frames.map((frame) => frame['type'])).toContain('session.opened');
    expect(
      frames.filter((frame) => frame['type'] === 'message').map((frame) => messageOf(frame)?.['message_type']),
    ).toEqual(expect.arrayContaining(['ResourceManagerDetails', 'FRBC.StorageStatus']));
    const sent = lines.flatMap((line) =>
      typeof line['sent'] === 'object' ? [line['sent'] as Record<string, unknown>] : [],
    );
    expect(sent.map((frame) => messageOf(frame)?.['message_type'])).toContain('SelectControlType');
    // The device's own lines: the CEM's answers reached it.
    expect(lines).toContainEqual(expect.objectContaining({ message_type: 'SelectControlType' }));
    expect(lines).toContainEqual(expect.objectContaining({ message_type: 'ReceptionStatus', status: 'OK' }));
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 180_000);
});
