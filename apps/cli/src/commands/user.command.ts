// `s2-broker user invite`: the link that lets the first people into the console (an operator, a
// tenant's first admin), made with the operator token; the console's own admins invite the rest.
import {
  callApi,
  internalUrl,
  operatorToken,
  OPERATOR_HELP,
  parseFlags,
  pickAction,
  printAnswer,
  PROCESS_IO,
  runSubcommand,
  UsageError,
  type CommandIo,
} from './broker-api.js';

const USAGE = `usage: s2-broker user invite --operator --email EMAIL [--print FIELD]
       s2-broker user invite --tenant TENANT_ID --email EMAIL [--role admin|viewer] [--print FIELD]
invite prints the invitation as one JSON line; its invitationUrl is shown this once and works once,
for 7 days. --role is admin when not given.
--print FIELD              print only this field of the answer (invitationUrl, say)
${OPERATOR_HELP}`;

export async function userCommand(argv: string[], io: CommandIo = PROCESS_IO): Promise<number> {
  return runSubcommand('user', USAGE, io, async () => {
    if (argv[0] === '--help' || argv[0] === '-h') {
      io.out(USAGE);
      return 0;
    }
    pickAction('user', argv, ['invite'] as const);
    const { values } = parseFlags(argv.slice(1), {
      'internal-url': { type: 'string' },
      'operator-token': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      operator: { type: 'boolean' },
      tenant: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      print: { type: 'string' },
    });
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    if (values.email === undefined) throw new UsageError('--email is required');
    if (values.operator === true && values.tenant !== undefined) {
      throw new UsageError('--operator and --tenant do not go together');
    }
    if (values.operator !== true && values.tenant === undefined)
      throw new UsageError('--operator or --tenant is required');
    if (values.operator === true && values.role !== undefined) throw new UsageError('an operator has no --role');
    const url = internalUrl(values['internal-url'], io.env);
    const token = operatorToken(values['operator-token'], io.env);
    const invitation =
      values.tenant === undefined
        ? await callApi(url, {
            method: 'POST',
            path: '/admin/v1/operators/invitations',
            token,
            body: { email: values.email },
          })
        : await callApi(url, {
            method: 'POST',
            path: `/admin/v1/tenants/${encodeURIComponent(values.tenant)}/invitations`,
            token,
            body: { email: values.email, role: values.role ?? 'admin' },
          });
    printAnswer(invitation, values.print, io.out);
    return 0;
  });
}
