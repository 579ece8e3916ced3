// `s2-broker cem tail`: a CEM channel on the terminal. Each frame the broker sends is printed as one
// JSON line; with --reply the command answers like the least CEM (see cem-replies.ts), so that a
// simulated RM can be taken through a whole conversation without writing any CEM software.
import { CemChannel, type BrokerFrame } from '#cem-client';
import {
  brokerUrl,
  CONNECTION_HELP,
  describe,
  parseFlags,
  pickAction,
  PROCESS_IO,
  runSubcommand,
  TENANT_HELP,
  tenantCredentials,
  tenantToken,
  CommandFailure,
  type CommandIo,
} from './broker-api.js';
import { repliesTo } from './cem-replies.js';

const USAGE = `usage: s2-broker cem tail [--cem-node ID]... [--reply] [--until TYPE]
Opens a CEM channel and prints each frame the broker sends as one JSON line, until SIGINT or SIGTERM
(exit 0). "the channel is open" on stderr says when frames can come. A dropped channel is opened again, with a fresh JWT when a service account is given.
--cem-node ID              only the sessions of this CEM node (may be repeated; default all of the tenant's)
--reply                    answer each RM message with ReceptionStatus OK, and a ResourceManagerDetails
                           with SelectControlType of the first control type it offers; each frame sent is
                           printed as {"sent": frame}
--until TYPE               exit 0 after the first frame of this type (session.closed, ...) or carrying an
                           S2 message of this type (PowerMeasurement, ...), once its replies are sent
${CONNECTION_HELP}
${TENANT_HELP}`;

export interface CemTailIo extends CommandIo {
  /** Stops the tail; by default SIGINT and SIGTERM. */
  readonly signal?: AbortSignal;
}

export async function cemCommand(argv: string[], io: CemTailIo = PROCESS_IO): Promise<number> {
  return runSubcommand('cem tail', USAGE, io, async () => {
    if (argv[0] === '--help' || argv[0] === '-h') {
      io.out(USAGE);
      return 0;
    }
    pickAction('cem', argv, ['tail'] as const);
    const { values } = parseFlags(argv.slice(1), {
      url: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      jwt: { type: 'string' },
      'cem-node': { type: 'string', multiple: true },
      reply: { type: 'boolean' },
      until: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const url = brokerUrl(values.url, io.env);
    const credentials = tenantCredentials(values, io.env);
    return tail(url, () => tenantToken(url, credentials), {
      cemNodeIds: values['cem-node'] ?? [],
      reply: values.reply === true,
      until: values.until,
      io,
    });
  });
}

interface TailOptions {
  readonly cemNodeIds: readonly string[];
  readonly reply: boolean;
  readonly until: string | undefined;
  readonly io: CemTailIo;
}

async function tail(url: string, getToken: () => Promise<string>, options: TailOptions): Promise<number> {
  const { io } = options;
  const channel = new CemChannel({ url, getToken, cemNodeIds: options.cemNodeIds });
  const stopper = stopOn(io.signal);
  const done = new Promise<void>((resolve) => {
    stopper.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  channel.on('frame', (frame: BrokerFrame) => {
    io.out(JSON.stringify(frame));
    if (options.reply) {
      for (const { rmNodeId, message } of repliesTo(frame)) {
        const sent = { type: 'message', rmNodeId, message };
        if (channel.send(rmNodeId, message)) io.out(JSON.stringify({ sent }));
        else io.err(`s2-broker cem tail: the channel is down; not sent: ${JSON.stringify(sent)}`);
      }
    }
    if (options.until !== undefined && matches(frame, options.until)) stopper.stop();
  });
  // On stderr, so that stdout stays frames only; a script may wait for it before starting an RM.
  channel.on('open', () => io.err(`s2-broker cem tail: the channel is open (${channel.url})`));
  channel.on('reconnecting', (attempt, delayMs) =>
    io.err(`s2-broker cem tail: the channel dropped; opening it again in ${delayMs} ms (attempt ${attempt})`),
  );
  channel.on('error', (error) => io.err(`s2-broker cem tail: ${describe(error)}`));
  try {
    await Promise.race([channel.connect(), done]);
  } catch (error) {
    stopper.dispose();
    await channel.close();
    throw new CommandFailure(`the CEM channel did not open: ${describe(error)}`);
  }
  await done;
  stopper.dispose();
  await channel.close(1000, 'cem tail stopping');
  return 0;
}

function matches(frame: BrokerFrame, type: string): boolean {
  return frame.type === type || (frame.type === 'message' && frame.message.message_type === type);
}

/** The caller's signal, or SIGINT and SIGTERM; `stop()` ends the tail from inside. */
function stopOn(given: AbortSignal | undefined): { signal: AbortSignal; stop(): void; dispose(): void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  given?.addEventListener('abort', stop, { once: true });
  if (given === undefined) {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  return {
    signal: controller.signal,
    stop,
    dispose: () => {
      given?.removeEventListener('abort', stop);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}
