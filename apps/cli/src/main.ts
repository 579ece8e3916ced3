#!/usr/bin/env node
// The s2-broker command. Each subcommand is loaded on demand so that `validate` starts without Nest,
// Prisma or Redis.
import 'reflect-metadata';

const USAGE = `usage: s2-broker <command> [options]

commands:
  serve        run the broker roles named in ROLES (gateway,api,worker; all by default)
  migrate      create the database if needed and apply pending migrations
  secrets      secrets rotate: encrypt every stored pairing token and webhook secret under the current key
  validate     validate S2 JSON messages: validate [--s2-version V] [--role RM|CEM] [FILE|-]
  simulate-rm  pair a new simulated RM with a CEM node and start a session:
               simulate-rm --pairing-url URL --pairing-code CODE [--s2-version V]... [--brand B] [--model M]
                           [--keep-open] [--replay ev|heat-pump|pv [--with-handshake] [--wait-for-cem]]

  against a running broker's tenant and operator APIs ($S2_BROKER_URL, $OPERATOR_TOKEN, a service account
  in $S2_BROKER_CLIENT_ID and $S2_BROKER_CLIENT_SECRET or a JWT in $S2_BROKER_JWT; see each --help):
  tenant       tenant create --name NAME | tenant list
  user         user invite --operator --email E | user invite --tenant ID --email E [--role admin|viewer]
  cem-node     cem-node create --brand B --type T --model-name M | cem-node list | cem-node import FILE.csv
  pairing-code pairing-code issue --cem-node ID
  cem          cem tail [--reply] [--until TYPE]: a CEM channel, each frame printed as one JSON line
`;

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./commands/serve.command.js')).serveCommand,
  migrate: async () => (await import('./commands/migrate.command.js')).migrateCommand,
  secrets: async () => (await import('./commands/secrets.command.js')).secretsCommand,
  validate: async () => (await import('./commands/validate.command.js')).validateCommand,
  'simulate-rm': async () => (await import('./commands/simulate-rm.command.js')).simulateRmCommand,
  tenant: async () => (await import('./commands/tenant.command.js')).tenantCommand,
  user: async () => (await import('./commands/user.command.js')).userCommand,
  'cem-node': async () => (await import('./commands/cem-node.command.js')).cemNodeCommand,
  'pairing-code': async () => (await import('./commands/cem-node.command.js')).pairingCodeCommand,
  cem: async () => (await import('./commands/cem-tail.command.js')).cemCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`s2-broker: unknown command '${name}'\n${USAGE}`);
    return 2;
  }
  return (await load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    // serve keeps the event loop alive itself and returns only when it has shut down.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`s2-broker: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
