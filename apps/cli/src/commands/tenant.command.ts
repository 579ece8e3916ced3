// `s2-broker tenant create|list`: the operator API's tenants, for setting up a broker by hand or from
// scripts.
import {
  callApi,
  internalUrl,
  listAll,
  operatorToken,
  OPERATOR_HELP,
  parseFlags,
  pickAction,
  printAnswer,
  PROCESS_IO,
  runSubcommand,
  UsageError,
  fieldAt,
  type CommandIo,
  ENV,
  printEnv,
} from './broker-api.js';

const USAGE = `usage: s2-broker tenant create --name NAME [--logo-url URL] [--print FIELD | --env]
       s2-broker tenant list
create prints the new tenant as one JSON line, with its first service account; the account's secret is
shown this once. list prints one JSON line per tenant.
--print FIELD              print only this field of the answer (a dotted path: serviceAccount.clientId)
--env                      print the service account as shell assignments of ${ENV.clientId} and
                           ${ENV.clientSecret}, for eval "$(s2-broker tenant create ... --env)"
${OPERATOR_HELP}`;

const COMMON = {
  'internal-url': { type: 'string' },
  'operator-token': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function tenantCommand(argv: string[], io: CommandIo = PROCESS_IO): Promise<number> {
  return runSubcommand('tenant', USAGE, io, async () => {
    if (argv[0] === '--help' || argv[0] === '-h') {
      io.out(USAGE);
      return 0;
    }
    const action = pickAction('tenant', argv, ['create', 'list'] as const);
    const rest = argv.slice(1);
    if (action === 'create') {
      const { values } = parseFlags(rest, {
        ...COMMON,
        name: { type: 'string' },
        'logo-url': { type: 'string' },
        print: { type: 'string' },
        env: { type: 'boolean' },
      });
      if (values.help) return help(io);
      if (values.name === undefined) throw new UsageError('--name is required');
      if (values.print !== undefined && values.env) throw new UsageError('--print and --env do not go together');
      const url = internalUrl(values['internal-url'], io.env);
      const token = operatorToken(values['operator-token'], io.env);
      const body = { name: values.name, ...(values['logo-url'] === undefined ? {} : { logoUrl: values['logo-url'] }) };
      const tenant = await callApi(url, { method: 'POST', path: '/admin/v1/tenants', token, body });
      if (values.env) {
        printEnv(
          {
            [ENV.clientId]: fieldAt(tenant, 'serviceAccount.clientId'),
            [ENV.clientSecret]: fieldAt(tenant, 'serviceAccount.clientSecret'),
          },
          io.out,
        );
      } else {
        printAnswer(tenant, values.print, io.out);
      }
      return 0;
    }
    const { values } = parseFlags(rest, COMMON);
    if (values.help) return help(io);
    const url = internalUrl(values['internal-url'], io.env);
    const token = operatorToken(values['operator-token'], io.env);
    for await (const tenant of listAll(url, '/admin/v1/tenants', token)) io.out(JSON.stringify(tenant));
    return 0;
  });
}

function help(io: CommandIo): number {
  io.out(USAGE);
  return 0;
}
