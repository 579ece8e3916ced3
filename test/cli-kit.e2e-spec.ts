// The s2-broker commands a developer integrating with the broker uses, run as child processes against
// a real broker: setting up a tenant, its CEM nodes and pairing codes through the public APIs, a CSV
// import, and `cem tail --reply` taking `simulate-rm` through a conversation.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, MAIN, startBroker, TEST_OPERATOR_TOKEN } from './support/broker.js';
import { type Running, simulateRm, startNode, until } from './support/processes.js';

let broker: Broker;

beforeAll(async () => {
  broker = await startBroker();
});

afterAll(async () => {
  await broker?.stop();
});

/** `s2-broker ARGS` with only the variables given (and PATH). */
function start(args: string[], env: Record<string, string> = {}): Running {
  return startNode([MAIN, ...args], { env });
}

async function run(args: string[], env: Record<string, string> = {}) {
  const running = start(args, env);
  const code = await running.exited;
  return { code, stdout: running.stdout, stderr: running.stderr, json: running.json };
}

/** A fresh tenant's service account, as `tenant create --env` hands it to a shell. */
async function newTenant(name: string): Promise<Record<string, string>> {
  const env = { S2_BROKER_INTERNAL_URL: broker.internalUrl, OPERATOR_TOKEN: TEST_OPERATOR_TOKEN };
  const created = await run(['tenant', 'create', '--name', name, '--env'], env);
  expect(created.code).toBe(0);
  const vars: Record<string, string> = { S2_BROKER_URL: broker.url };
  for (const line of created.stdout) {
    const match = /^export (S2_BROKER_CLIENT_ID|S2_BROKER_CLIENT_SECRET)='(.*)'$/.exec(line);
    expect(match, line).not.toBeNull();
    vars[match?.[1] as string] = match?.[2] as string;
  }
  expect(Object.keys(vars)).toHaveLength(3);
  return vars;
}

/** A CEM node of the tenant and a pairing code for it. */
async function nodeWithCode(env: Record<string, string>) {
  const node = await run(
    ['cem-node', 'create', '--brand', 'Kit', '--type', 'EMS', '--model-name', 'M', '--print', 'id'],
    env,
  );
  const id = node.stdout[0] as string;
  const issued = await run(['pairing-code', 'issue', '--cem-node', id], env);
  return { id, code: issued.json()[0] as { pairingUrl: string; pairingCode: string } };
}

/** `cem tail ARGS`, once its channel is open: what the RM does from then on reaches it. */
async function startTail(args: string[], env: Record<string, string>): Promise<Running> {
  const tail = start(['cem', 'tail', ...args], env);
  await until(
    () => tail.stderr.some((line) => line.includes('the channel is open')),
    'the channel',
    () => tail.stderr,
  );
  return tail;
}

describe('tenant, cem-node and pairing-code', () => {
  it('set up a tenant, a CEM node and a pairing code, with credentials from the environment or flags', async () => {
    const operator = { S2_BROKER_INTERNAL_URL: broker.internalUrl, OPERATOR_TOKEN: TEST_OPERATOR_TOKEN };
    const created = await run(['tenant', 'create', '--name', 'Kit tenant'], operator);
    expect(created.code).toBe(0);
    const [tenant] = created.json();
    expect(tenant).toMatchObject({ name: 'Kit tenant', serviceAccount: { clientId: expect.stringMatching(/^sa_/) } });
    const listed = await run(['tenant', 'list'], operator);
    expect(listed.code).toBe(0);
    expect(listed.json().map((t) => t['id'])).toContain(tenant?.['id']);

    const account = tenant?.['serviceAccount'] as { clientId: string; clientSecret: string };
    const flags = ['--url', broker.url, '--client-id', account.clientId, '--client-secret', account.clientSecret];
    const node = await run([
      'cem-node',
      'create',
      ...flags,
      '--brand',
      'Kit',
      '--type',
      'EMS',
      '--model-name',
      'Cloud CEM',
      '--external-ref',
      'site-1',
      '--print',
      'id',
    ]);
    expect(node.code).toBe(0);
    const id = node.stdout[0] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const nodes = await run(['cem-node', 'list', ...flags]);
    expect(nodes.json()).toEqual([expect.objectContaining({ id, externalRef: 'site-1', modelName: 'Cloud CEM' })]);

    const code = await run(['pairing-code', 'issue', ...flags, '--cem-node', id]);
    expect(code.code).toBe(0);
    expect(code.json()[0]).toMatchObject({
      pairingUrl: expect.stringMatching(/^http:\/\/localhost:\d+\/pairing\/$/),
      pairingCode: expect.stringMatching(/^[a-z0-9]+-[A-Za-z0-9]+$/),
    });
  }, 120_000);

  it('say what is wrong in one line: exit 2 for a usage error, 1 for a failure, never a stack trace', async () => {
    const noUrl = await run(['tenant', 'list'], { OPERATOR_TOKEN: TEST_OPERATOR_TOKEN });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr[0]).toBe(
      "s2-broker tenant: the broker's internal URL is needed: --internal-url or S2_BROKER_INTERNAL_URL",
    );
    const unknown = await run(['cem-node', 'remove'], { S2_BROKER_URL: broker.url });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr[0]).toContain("unknown cem-node command 'remove'");
    const noCredentials = await run(['cem', 'tail'], { S2_BROKER_URL: broker.url });
    expect(noCredentials.code).toBe(2);
    expect(noCredentials.stderr[0]).toContain("the tenant's credentials are needed");

    const wrongToken = await run(['tenant', 'list'], {
      S2_BROKER_INTERNAL_URL: broker.internalUrl,
      OPERATOR_TOKEN: 'not-the-token',
    });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toEqual([
      expect.stringMatching(/^s2-broker tenant: GET \/admin\/v1\/tenants answered 401: /),
    ]);
    const wrongSecret = await run(['cem', 'tail'], {
      S2_BROKER_URL: broker.url,
      S2_BROKER_CLIENT_ID: 'sa_nobody',
      S2_BROKER_CLIENT_SECRET: 'wrong',
    });
    expect(wrongSecret.code).toBe(1);
    expect(wrongSecret.stderr.join('\n')).toContain('POST /api/v1/auth/token answered 401');
    const down = await run(['tenant', 'list'], { S2_BROKER_INTERNAL_URL: 'http://127.0.0.1:1', OPERATOR_TOKEN: 'x' });
    expect(down.code).toBe(1);
    expect(down.stderr).toEqual([expect.stringMatching(/^s2-broker tenant: cannot reach http:\/\/127\.0\.0\.1:1: /)]);
    for (const answer of [noUrl, unknown, wrongToken, wrongSecret, down]) {
      expect(answer.stderr.join('\n')).not.toMatch(/\n\s+at /);
    }
    const help = await run(['cem', 'tail', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout[0]).toMatch(/^usage: s2-broker cem tail/);
  }, 120_000);
});

describe('cem-node import', () => {
  it('reports each row of a CSV file: created, or refused and why', async () => {
    const env = await newTenant('Import tenant');
    const dir = await mkdtemp(join(tmpdir(), 's2-broker-import-'));
    const file = join(dir, 'nodes.csv');
    await writeFile(
      file,
      [
        'brand,type,modelName,externalRef',
        'Kit,EMS,Cloud CEM,site-1',
        'Kit,EMS,Cloud CEM,site-1',
        'Kit,EMS',
        '"Kit "quoted",EMS,Cloud CEM,site-3',
        'Kit,EMS,"Cloud, CEM",site-2',
        '',
      ].join('\n'),
    );
    const imported = await run(['cem-node', 'import', '--pairing-codes', file], env);
    expect(imported.code).toBe(1);
    expect(imported.json()).toEqual([
      {
        row: 2,
        result: 'created',
        id: expect.any(String),
        externalRef: 'site-1',
        pairingCode: expect.stringMatching(/-/),
      },
      { row: 3, result: 'refused', reason: 'externalRef: row 2 has the same externalRef' },
      { row: 4, result: 'refused', reason: 'it has 2 fields, the header 4' },
      { row: 5, result: 'refused', reason: expect.stringContaining('a quoted field must end at a comma') },
      {
        row: 6,
        result: 'created',
        id: expect.any(String),
        externalRef: 'site-2',
        pairingCode: expect.stringMatching(/-/),
      },
    ]);
    expect(imported.stderr).toEqual(['s2-broker cem-node import: 2 created, 3 refused']);

    // The nodes are there; importing the file again refuses what exists.
    const listed = await run(['cem-node', 'list'], env);
    expect(
      listed
        .json()
        .map((node) => node['modelName'])
        .sort(),
    ).toEqual(['Cloud CEM', 'Cloud, CEM']);
    const again = await run(['cem-node', 'import', file], env);
    expect(again.json().filter((row) => row['result'] === 'created')).toEqual([]);
    expect(again.json()[0]).toEqual({
      row: 2,
      result: 'refused',
      reason: 'externalRef: another CEM node of this tenant has it',
    });

    const badHeader = join(dir, 'bad.csv');
    await writeFile(badHeader, 'brand,colour\nKit,red\n');
    const refused = await run(['cem-node', 'import', badHeader], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toEqual([expect.stringContaining("the header names an unknown column 'colour'")]);
  }, 120_000);
});

describe('cem tail --reply with simulate-rm', () => {
  it('shows the RM messages as frames and answers them, so the RM gets ReceptionStatus OK and SelectControlType', async () => {
    const env = await newTenant('Tail tenant');
    const { id, code } = await nodeWithCode(env);

    const tail = await startTail(['--reply', '--cem-node', id], env);
    const rm = start(simulateRm(code, '--replay', 'ev', '--wait-for-cem', '--keep-open'));
    const rmTypes = () => rm.json().map((line) => line['message_type']);
    const tailed = () =>
      tail
        .json()
        .flatMap((frame) =>
          frame['type'] === 'message' ? [(frame['message'] as Record<string, unknown>)['message_type']] : [],
        );
    await until(
      () => tailed().includes('FRBC.StorageStatus'),
      'FRBC.StorageStatus on the CEM channel',
      () => [tail.stdout, tail.stderr, rm.stdout],
    );
    await until(
      () => rmTypes().filter((t) => t === 'ReceptionStatus').length === 5,
      "the CEM's statuses",
      () => [rm.stdout],
    );

    expect(tail.json()[0]?.['type']).toBe('pairing.created');
    expect(tailed()).toEqual([
      'ResourceManagerDetails',
      'ReceptionStatus',
      'FRBC.SystemDescription',
      'PowerMeasurement',
      'FRBC.ActuatorStatus',
      'FRBC.StorageStatus',
    ]);
    const rmd = tail
      .json()
      .find(
        (frame) =>
          (frame['message'] as { message_type?: string } | undefined)?.message_type === 'ResourceManagerDetails',
      );
    const rmdId = (rmd?.['message'] as Record<string, unknown>)['message_id'];
    expect(rm.json()).toContainEqual({ message_type: 'ReceptionStatus', subject_message_id: rmdId, status: 'OK' });
    expect(rm.json()).toContainEqual(
      expect.objectContaining({ message_type: 'SelectControlType', control_type: 'FILL_RATE_BASED_CONTROL' }),
    );
    // Every RM message but the ReceptionStatus got an OK, and none was refused by the broker.
    const statuses = rm.json().filter((line) => line['message_type'] === 'ReceptionStatus');
    expect(statuses.map((status) => status['status'])).toEqual(['OK', 'OK', 'OK', 'OK', 'OK']);
    expect(tail.json().filter((frame) => 'sent' in frame)).toHaveLength(6);

    rm.kill('SIGINT');
    expect(await rm.exited).toBe(0);
    await until(
      () => tail.json().some((frame) => frame['type'] === 'session.closed'),
      'session.closed',
      () => tail.stdout,
    );
    tail.kill('SIGINT');
    expect(await tail.exited).toBe(0);
    expect(tail.stderr).toEqual([expect.stringContaining('the channel is open')]);
  }, 120_000);

  it('--until ends the tail after the frame named', async () => {
    const env = await newTenant('Until tenant');
    const { id, code } = await nodeWithCode(env);
    const tail = await startTail(['--until', 'session.closed'], env);
    const rm = await run(simulateRm(code, '--replay', 'pv'));
    expect(rm.code).toBe(0);
    expect(await tail.exited).toBe(0);
    expect(tail.json().at(-1)).toMatchObject({ type: 'session.closed', cemNodeId: id });
  }, 120_000);
});
