// `s2-broker cem-node create|list|import` and `s2-broker pairing-code issue`: a tenant's CEM nodes and
// their pairing codes through the tenant API, with a service account's credentials or a tenant JWT.
import { readFile } from 'node:fs/promises';
import {
  ApiFailure,
  brokerUrl,
  callApi,
  CONNECTION_HELP,
  describe,
  listAll,
  parseFlags,
  pickAction,
  printAnswer,
  PROCESS_IO,
  runSubcommand,
  TENANT_HELP,
  tenantCredentials,
  tenantToken,
  UsageError,
  type CommandIo,
  isRecord,
  ENV,
  fieldAt,
  printEnv,
} from './broker-api.js';
import { CEM_NODE_COLUMNS, readImport, runImport, type BatchAnswer, type ImportRow } from './cem-node-import.js';
import { parseCsv } from './csv.js';

const CEM_NODE_USAGE = `usage: s2-broker cem-node create --brand B --type T --model-name M [--user-defined-name N]
                                [--logo-url URL] [--external-ref REF] [--print FIELD]
       s2-broker cem-node list [--external-ref REF]
       s2-broker cem-node import [--pairing-codes] FILE|-
create prints the new node as one JSON line (its id is its S2 node id); list prints one JSON line per
node. import reads a CSV file whose first line names the columns (${CEM_NODE_COLUMNS.join(', ')};
the first three are required) and prints one JSON line per row, in file order:
{"row":N,"result":"created","id":...} or {"row":N,"result":"refused","reason":...}; it exits 1 when a
row was refused. --pairing-codes issues a pairing code for each node created.
--print FIELD              print only this field of the answer (id, nodeIdAlias, ...)
${CONNECTION_HELP}
${TENANT_HELP}`;

const PAIRING_CODE_USAGE = `usage: s2-broker pairing-code issue --cem-node ID [--ttl-seconds N] [--print FIELD | --env]
Issues a pairing code for the CEM node, replacing its previous one, and prints
{pairingUrl, pairingCode, nodeIdAlias, expiresAt} as one JSON line: what the device's user types.
--print FIELD              print only this field (pairingCode, pairingUrl)
--env                      print the URL and the code as shell assignments of ${ENV.pairingUrl} and
                           ${ENV.pairingCode}, which simulate-rm reads
${CONNECTION_HELP}
${TENANT_HELP}`;

const TENANT_FLAGS = {
  url: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  jwt: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface TenantFlagValues {
  readonly url?: string;
  readonly 'client-id'?: string;
  readonly 'client-secret'?: string;
  readonly jwt?: string;
}

async function connect(values: TenantFlagValues, io: CommandIo): Promise<{ url: string; token: string }> {
  const url = brokerUrl(values.url, io.env);
  const credentials = tenantCredentials(values, io.env);
  return { url, token: await tenantToken(url, credentials) };
}

export async function cemNodeCommand(argv: string[], io: CommandIo = PROCESS_IO): Promise<number> {
  return runSubcommand('cem-node', CEM_NODE_USAGE, io, async () => {
    if (argv[0] === '--help' || argv[0] === '-h') return help(io, CEM_NODE_USAGE);
    const action = pickAction('cem-node', argv, ['create', 'list', 'import'] as const);
    const rest = argv.slice(1);
    if (action === 'create') {
      const { values } = parseFlags(rest, {
        ...TENANT_FLAGS,
        brand: { type: 'string' },
        type: { type: 'string' },
        'model-name': { type: 'string' },
        'user-defined-name': { type: 'string' },
        'logo-url': { type: 'string' },
        'external-ref': { type: 'string' },
        print: { type: 'string' },
      });
      if (values.help) return help(io, CEM_NODE_USAGE);
      const missing = (['brand', 'type', 'model-name'] as const).filter((flag) => values[flag] === undefined);
      if (missing.length > 0) throw new UsageError(`${missing.map((flag) => `--${flag}`).join(', ')} required`);
      const body = {
        brand: values.brand,
        type: values.type,
        modelName: values['model-name'],
        userDefinedName: values['user-defined-name'],
        logoUrl: values['logo-url'],
        externalRef: values['external-ref'],
      };
      const { url, token } = await connect(values, io);
      const node = await callApi(url, { method: 'POST', path: '/api/v1/cem-nodes', token, body });
      printAnswer(node, values.print, io.out);
      return 0;
    }
    if (action === 'list') {
      const { values } = parseFlags(rest, { ...TENANT_FLAGS, 'external-ref': { type: 'string' } });
      if (values.help) return help(io, CEM_NODE_USAGE);
      const { url, token } = await connect(values, io);
      const ref = values['external-ref'];
      const path =
        ref === undefined ? '/api/v1/cem-nodes' : `/api/v1/cem-nodes?${new URLSearchParams({ externalRef: ref })}`;
      for await (const node of listAll(url, path, token)) io.out(JSON.stringify(node));
      return 0;
    }
    const { values, positionals } = parseFlags(rest, { ...TENANT_FLAGS, 'pairing-codes': { type: 'boolean' } }, 1);
    if (values.help) return help(io, CEM_NODE_USAGE);
    const file = positionals[0];
    if (file === undefined) throw new UsageError('import needs a CSV file (or - for standard input)');
    const url = brokerUrl(values.url, io.env);
    const credentials = tenantCredentials(values, io.env);
    let text: string;
    try {
      text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${describe(error)}`);
    }
    const { rows, refused } = readImport(parseCsv(text));
    const token = rows.length > 0 ? await tenantToken(url, credentials) : '';
    const outcome = await runImport(rows, (nodes) => postBatch(url, token, nodes, values['pairing-codes'] === true));
    const reports = [...refused, ...outcome.reports].sort((a, b) => a.row - b.row);
    for (const report of reports) io.out(JSON.stringify(report));
    const refusedCount = reports.filter((report) => report.result === 'refused').length;
    io.err(`s2-broker cem-node import: ${reports.length - refusedCount} created, ${refusedCount} refused`);
    if (outcome.failure !== undefined) io.err(`s2-broker cem-node import: ${outcome.failure}`);
    return refusedCount === 0 ? 0 : 1;
  });
}

async function postBatch(
  url: string,
  token: string,
  nodes: readonly ImportRow['node'][],
  pairingCodes: boolean,
): Promise<BatchAnswer> {
  try {
    const answer = await callApi(url, {
      method: 'POST',
      path: '/api/v1/cem-nodes:batch',
      token,
      body: { nodes, ...(pairingCodes ? { pairingCodes: {} } : {}) },
    });
    const items = isRecord(answer) && Array.isArray(answer['items']) ? answer['items'] : [];
    return { ok: true, items };
  } catch (error) {
    if (error instanceof ApiFailure) return { ok: false, status: error.status, message: error.brokerMessage };
    throw error;
  }
}

export async function pairingCodeCommand(argv: string[], io: CommandIo = PROCESS_IO): Promise<number> {
  return runSubcommand('pairing-code', PAIRING_CODE_USAGE, io, async () => {
    if (argv[0] === '--help' || argv[0] === '-h') return help(io, PAIRING_CODE_USAGE);
    pickAction('pairing-code', argv, ['issue'] as const);
    const { values } = parseFlags(argv.slice(1), {
      ...TENANT_FLAGS,
      'cem-node': { type: 'string' },
      'ttl-seconds': { type: 'string' },
      print: { type: 'string' },
      env: { type: 'boolean' },
    });
    if (values.help) return help(io, PAIRING_CODE_USAGE);
    if (values.print !== undefined && values.env) throw new UsageError('--print and --env do not go together');
    const node = values['cem-node'];
    if (node === undefined) throw new UsageError('--cem-node is required');
    const ttl = values['ttl-seconds'];
    if (ttl !== undefined && !/^\d+$/.test(ttl)) throw new UsageError('--ttl-seconds must be a whole number');
    const { url, token } = await connect(values, io);
    const code = await callApi(url, {
      method: 'POST',
      path: `/api/v1/cem-nodes/${encodeURIComponent(node)}/pairing-codes`,
      token,
      body: ttl === undefined ? {} : { ttlSeconds: Number(ttl) },
    });
    if (values.env) {
      printEnv(
        { [ENV.pairingUrl]: fieldAt(code, 'pairingUrl'), [ENV.pairingCode]: fieldAt(code, 'pairingCode') },
        io.out,
      );
    } else {
      printAnswer(code, values.print, io.out);
    }
    return 0;
  });
}

function help(io: CommandIo, usage: string): number {
  io.out(usage);
  return 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
