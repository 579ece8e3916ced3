// @s2-broker/cem-client as a tenant gets it: `npm pack` of libs/cem-client, installed with npm into a
// fresh project, type-checked there, and its example CEM run from node_modules against a real broker,
// with `s2-broker simulate-rm` as the device.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, MAIN, startBroker, TEST_OPERATOR_TOKEN } from './support/broker.js';
import { simulateRm, startNode, until } from './support/processes.js';
import { createCemNode, issueCode, post, type Tenant } from './support/s2-connect.js';

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('../libs/cem-client/', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

let broker: Broker;
let scratch: string;
let packed: { files: { path: string }[]; filename: string };

beforeAll(async () => {
  broker = await startBroker();
  scratch = await mkdtemp(join(tmpdir(), 'cem-client-'));
  // What a tenant does: the tarball npm pack makes (its prepack builds it), installed by npm.
  const pack = await run('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: PACKAGE_DIR });
  [packed] = JSON.parse(pack.stdout) as [typeof packed];
  await writeFile(join(scratch, 'package.json'), JSON.stringify({ name: 'a-cem', private: true, type: 'module' }));
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      join(scratch, packed.filename),
      '@types/node@20',
      '@types/ws@8',
    ],
    { cwd: scratch },
  );
}, 180_000);

afterAll(async () => {
  await broker?.stop();
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

/** A tenant with its first service account, a CEM node and a pairing code for it. */
async function tenantWithCode() {
  const created = await post(
    `${broker.internalUrl}/admin/v1/tenants`,
    { name: 'Package tenant', logoUrl: 'https://aggregator.example/logo.png' },
    TEST_OPERATOR_TOKEN,
  );
  expect(created.status).toBe(201);
  const { id, serviceAccount } = created.body as {
    id: string;
    serviceAccount: { clientId: string; clientSecret: string };
  };
  const token = await post(`${broker.url}/api/v1/auth/token`, serviceAccount);
  const tenant: Tenant = { id, name: 'Package tenant', jwt: (token.body as { accessToken: string }).accessToken };
  const node = await createCemNode(broker.url, tenant);
  const code = await issueCode(broker.url, tenant, node);
  return { tenant, serviceAccount, node, code };
}

describe('npm pack of libs/cem-client', () => {
  it('holds the built code with its type declarations, the example and the README, and no sources or tests', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/channel.js',
        'examples/minimal-cem.mjs',
      ]),
    );
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => f.includes('spec'))).toEqual([]);
  });

  it('type-checks in a TypeScript project that installed it', async () => {
    await writeFile(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'nodenext', target: 'ES2023', strict: true, noEmit: true, types: ['node'] },
        files: ['cem.ts'],
      }),
    );
    await writeFile(
      join(scratch, 'cem.ts'),
      [
        "import { CemChannel, CemClientError, serviceAccountToken, type BrokerFrame } from '@s2-broker/cem-client';",
        'interface ReceptionStatus { message_type: "ReceptionStatus"; subject_message_id: string; status: "OK" }',
        "const getToken = serviceAccountToken({ url: 'https://s2.example.com', clientId: 'sa_x', clientSecret: 's' });",
        "const channel = new CemChannel({ url: 'https://s2.example.com', getToken, cemNodeIds: ['n'] });",
        'channel.on("frame", (frame: BrokerFrame) => {',
        '  if (frame.type === "session.opened") console.log(frame.session.rmNodeDescription.brand);',
        '  if (frame.type !== "message") return;',
        '  const status: ReceptionStatus = { message_type: "ReceptionStatus", subject_message_id: "m", status: "OK" };',
        '  const handed: boolean = channel.send(frame.rmNodeId, status);',
        '  console.log(handed, frame.message.message_type);',
        '});',
        'channel.on("error", (error: CemClientError) => console.log(error.code, error.status));',
        '',
      ].join('\n'),
    );
    const checked = await run(process.execPath, [TSC, '-p', scratch]).catch((error: { stdout: string }) => error);
    expect(checked.stdout).toBe('');
  }, 120_000);
});

describe('the installed package against the broker', () => {
  it('its example CEM, run from node_modules with a service account, takes simulate-rm through a conversation', async () => {
    const { serviceAccount, node, code } = await tenantWithCode();
    const cem = startNode([join(scratch, 'node_modules/@s2-broker/cem-client/examples/minimal-cem.mjs')], {
      cwd: scratch,
      env: {
        S2_BROKER_URL: broker.url,
        S2_BROKER_CLIENT_ID: serviceAccount.clientId,
        S2_BROKER_CLIENT_SECRET: serviceAccount.clientSecret,
        S2_BROKER_CEM_NODE_IDS: node.id,
      },
    });
    await until(
      () => cem.stderr.includes('the channel is open'),
      'the channel',
      () => cem.stderr,
    );
    const rm = startNode([MAIN, ...simulateRm(code, '--replay', 'ev', '--wait-for-cem', '--keep-open')]);
    const statuses = () => rm.json().filter((line) => line['message_type'] === 'ReceptionStatus');
    await until(
      () => statuses().length === 5,
      "the CEM's statuses",
      () => [rm.stdout, rm.stderr, cem.stdout],
    );

    expect(statuses().map((s) => s['status'])).toEqual(['OK', 'OK', 'OK', 'OK', 'OK']);
    expect(rm.json()).toContainEqual(
      expect.objectContaining({ message_type: 'SelectControlType', control_type: 'FILL_RATE_BASED_CONTROL' }),
    );
    const frames = cem.json().filter((line) => 'type' in line);
    expect(frames[0]).toMatchObject({ type: 'pairing.created', cemNodeId: node.id });
    expect(frames.some((f) => f['type'] === 'session.opened')).toBe(true);
    expect(
      cem
        .json()
        .filter((line) => 'sent' in line)
        .every((line) => line['handed'] === true),
    ).toBe(true);

    rm.kill('SIGINT');
    expect(await rm.exited).toBe(0);
    await until(
      () => cem.json().some((f) => f['type'] === 'session.closed'),
      'session.closed',
      () => cem.stdout,
    );
    cem.kill('SIGINT');
    expect(await cem.exited).toBe(0);
    // The secret is the tenant's: the example never prints it.
    expect([...cem.stdout, ...cem.stderr].join('\n')).not.toContain(serviceAccount.clientSecret);
  }, 60_000);

  it('imported by a script: a JWT getter opens the channel; refused credentials fail fast with a clear error', async () => {
    const { tenant, serviceAccount } = await tenantWithCode();
    const script = [
      "import { CemChannel, serviceAccountToken } from '@s2-broker/cem-client';",
      'const [url, jwt, clientId] = process.argv.slice(2);',
      'const outcome = async (channel) => {',
      '  try { await channel.connect(); await channel.close(); return "open"; }',
      '  catch (error) { return `${error.name} ${error.code} ${error.message}`; }',
      '};',
      'console.log(await outcome(new CemChannel({ url, getToken: () => jwt })));',
      'console.log(await outcome(new CemChannel({ url, getToken: () => "not-a-jwt" })));',
      'const wrong = serviceAccountToken({ url, clientId, clientSecret: "wrong-secret" });',
      'console.log(await outcome(new CemChannel({ url, getToken: wrong })));',
      '',
    ].join('\n');
    await writeFile(join(scratch, 'script.mjs'), script);
    const { stdout } = await run(process.execPath, ['script.mjs', broker.url, tenant.jwt, serviceAccount.clientId], {
      cwd: scratch,
    });
    expect(stdout.trim().split('\n')).toEqual([
      'open',
      'CemClientError UPGRADE_REJECTED the broker refused the channel: HTTP 401',
      expect.stringMatching(/^CemClientError TOKEN_UNAVAILABLE POST \/api\/v1\/auth\/token answered HTTP 401/),
    ]);
  }, 60_000);
});
