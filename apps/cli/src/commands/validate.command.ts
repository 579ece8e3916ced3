import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  isS2JsonVersion,
  messageTypesSentBy,
  S2_JSON_VERSIONS,
  validateMessage,
  type Role,
  type S2JsonVersion,
  type ValidationError,
} from '#s2-json';

const USAGE = `usage: s2-broker validate [--s2-version ${S2_JSON_VERSIONS.join('|')}] [--role RM|CEM] [FILE|-]
Reads JSON Lines (one message per line) or one JSON array; prints one JSON line per message.`;

interface Report {
  index: number;
  valid: boolean;
  messageType: string | null;
  errors: readonly ValidationError[];
}

/** Splits the input into messages; a line that is not JSON stays a string and is reported as such. */
export function splitInput(text: string): { items: unknown[]; notJson: Set<number> } {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const array: unknown = JSON.parse(trimmed);
      if (Array.isArray(array)) return { items: array, notJson: new Set() };
    } catch {
      // Not one array: read it as JSON Lines, which reports the broken line instead of the whole file.
    }
  }
  const items: unknown[] = [];
  const notJson = new Set<number>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    try {
      items.push(JSON.parse(line));
    } catch (error) {
      notJson.add(items.length);
      items.push(error instanceof Error ? error.message : 'not JSON');
    }
  }
  return { items, notJson };
}

export function validateItems(
  items: readonly unknown[],
  notJson: ReadonlySet<number>,
  version: S2JsonVersion,
  role: Role | undefined,
): Report[] {
  const sendable = role === undefined ? undefined : messageTypesSentBy(role);
  return items.map((item, index): Report => {
    if (notJson.has(index)) {
      return {
        index,
        valid: false,
        messageType: null,
        errors: [{ path: '', rule: 'json', message: `not JSON: ${String(item)}` }],
      };
    }
    const result = validateMessage(version, item);
    if (!result.valid) return { index, valid: false, messageType: result.messageType ?? null, errors: result.errors };
    const type = result.message.message_type;
    // An RM's Handshake is tolerated (the broker answers it); the table does not list it.
    if (sendable && !sendable.has(type) && !(role === 'RM' && type === 'Handshake')) {
      return {
        index,
        valid: false,
        messageType: type,
        errors: [{ path: '/message_type', rule: 'role', message: `${type} is not sent by the ${role}` }],
      };
    }
    return { index, valid: true, messageType: type, errors: [] };
  });
}

async function readInput(file: string | undefined): Promise<string> {
  if (file !== undefined && file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function validateCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        's2-version': { type: 'string', default: S2_JSON_VERSIONS[0] },
        role: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    process.stderr.write(`s2-broker validate: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const version = values['s2-version'];
  if (!isS2JsonVersion(version)) {
    process.stderr.write(`s2-broker validate: --s2-version must be one of ${S2_JSON_VERSIONS.join(', ')}\n`);
    return 2;
  }
  const role = values.role;
  if (role !== undefined && role !== 'RM' && role !== 'CEM') {
    process.stderr.write('s2-broker validate: --role must be RM or CEM\n');
    return 2;
  }
  if (positionals.length > 1) {
    process.stderr.write(`s2-broker validate: one input at most\n${USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    text = await readInput(positionals[0]);
  } catch (error) {
    process.stderr.write(
      `s2-broker validate: cannot read ${positionals[0]}: ${(error as NodeJS.ErrnoException).code ?? 'error'}\n`,
    );
    return 2;
  }
  const { items, notJson } = splitInput(text);
  const reports = validateItems(items, notJson, version, role);
  process.stdout.write(reports.map((r) => JSON.stringify(r)).join('\n') + (reports.length > 0 ? '\n' : ''));
  return reports.every((r) => r.valid) ? 0 : 1;
}
