// `s2-broker secrets rotate`: reads only DATABASE_URL and SECRETS_KEYS (or SECRETS_KEY), like `migrate`, so it can run
// as a one-off Job beside the broker.
import { pino } from 'pino';
import { DEFAULT_DATABASE_URL, DEFAULT_SECRET_KEY_ID, secretKeysFromEnv } from '#config';
import { PrismaService } from '#db';
import { DatabaseUrlError, parseDatabaseUrl, scrubSecret } from '#migrate';
import { createLogger } from '#observability';
import { SecretCipher } from '#security';
import { SecretRotation, type StoredSecretError } from '#store';

const USAGE = `usage: s2-broker secrets rotate

Encrypts every stored pairing token and webhook secret under the first key of SECRETS_KEYS: values
written in clear before encryption at rest, and values under another key of the list. Rows already
under the first key are only checked, so running it again is safe, and it finishes what a run cut off
began. Prints one JSON line per table; a value under a key the list does not hold is named by its row
on stderr, and the exit code is then 1.

environment:
  DATABASE_URL  postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (default ${DEFAULT_DATABASE_URL})
  SECRETS_KEYS  id:base64key[,id:base64key...]: the first encrypts, all decrypt
  SECRETS_KEY   one key instead of the list: base64key (its id is ${DEFAULT_SECRET_KEY_ID}) or id:base64key
`;

export async function secretsCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [action, extra] = argv;
  if (action !== 'rotate' || extra !== undefined) {
    const problem = action === undefined ? 'missing action' : `unexpected argument '${extra ?? action}'`;
    process.stderr.write(`s2-broker secrets: ${problem}\n${USAGE}`);
    return 2;
  }
  const fail = (message: string): number => {
    process.stderr.write(`s2-broker secrets rotate: ${message}\n`);
    return 1;
  };
  let databaseUrl: string;
  let password: string;
  try {
    ({ url: databaseUrl, password } = parseDatabaseUrl(
      process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
      'DATABASE_URL',
    ));
  } catch (error) {
    if (!(error instanceof DatabaseUrlError)) throw error;
    return fail(error.message);
  }
  const keys = secretKeysFromEnv(process.env);
  if (!Array.isArray(keys)) return fail(`${keys.variable} ${keys.problem}`);

  const logger = createLogger({ level: 'warn', instanceId: 'secrets-rotate' }, pino.destination({ fd: 2, sync: true }));
  const prisma = new PrismaService({ databaseUrl, instanceId: 'secrets-rotate' }, logger);
  const cipher = new SecretCipher(keys);
  let failed = 0;
  const onFailure = (error: StoredSecretError): void => {
    failed++;
    process.stderr.write(`s2-broker secrets rotate: ${error.message}\n`);
  };
  try {
    const report = await new SecretRotation(prisma, cipher).rotate(onFailure);
    for (const counts of report) {
      process.stdout.write(`${JSON.stringify({ event: 'secrets_rotated', keyId: cipher.currentKeyId, ...counts })}\n`);
    }
  } catch (error) {
    return fail(scrubSecret(error instanceof Error ? error.message : String(error), password));
  } finally {
    await prisma.$disconnect();
  }
  if (failed > 0) return fail(`${failed} value(s) could not be read; they are left as they were`);
  return 0;
}
