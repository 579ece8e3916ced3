// A throwaway RM for trying a broker by hand or from scripts: pairs a new RM node with the CEM node a
// pairing code names, starts an S2 Connect session and prints what a device would keep and use; with
// --keep-open or --replay it also opens the S2 WebSocket and speaks on it.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pairWithCem, startSession } from '#rm-client';
import type { EndpointDescription, NodeDescription } from '#s2-connect';
import { S2_JSON_VERSIONS } from '#s2-json';
import { EXAMPLE_PAGES, isExamplePage, loadExamplePage, type ExamplePage } from './examples-file.js';
import { runLiveRm, type SimulatedRm } from './simulate-rm-live.js';
import { replaySteps, type ReplayStep } from './simulate-rm-replay.js';

export type { SimulatedRm } from './simulate-rm-live.js';

const USAGE = `usage: s2-broker simulate-rm --pairing-url URL --pairing-code CODE [--s2-version V]... [--brand B] [--model M]
                            [--keep-open] [--replay ${EXAMPLE_PAGES.join('|')} [--with-handshake] [--wait-for-cem]]
Pairs a new simulated RM with the CEM node of CODE, starts a session and prints one JSON object
(--pairing-url and --pairing-code default to $S2_BROKER_PAIRING_URL and $S2_BROKER_PAIRING_CODE):
{rmNodeId, cemNodeId, initiateSessionUrl, accessToken, s2Version, websocketUrl, websocketToken}.
--s2-version may be repeated (default: ${S2_JSON_VERSIONS.join(' and ')}).
--keep-open       open the S2 WebSocket and keep it open, printing each S2 message received as one JSON
                  line; when the session ends, start a new one (printing its object) with backoff, until
                  the server answers NoLongerPaired ({"ended":"NoLongerPaired",...}, exit 0) or SIGINT.
--replay PAGE     on each opened WebSocket, send the RM's messages of that worked example in order, each
                  with a fresh message_id, printing {"sent": message_type} for each; without --keep-open
                  the socket is then closed. SessionRequest and the RM's Handshake are not sent, the
                  latter unless --with-handshake. Each message from the CEM is answered with
                  ReceptionStatus OK ({"sent":"ReceptionStatus"}).
--wait-for-cem    before sending the RM messages that follow a CEM message in the example, wait (30 s at
                  most) for a message of that type from the CEM.`;

/** A CEM that has not answered in 30 s is stuck, not slow: the replay stops instead of hanging. */
const DEFAULT_WAIT_TIMEOUT_MS = 30_000;

export interface SimulateRmArgs {
  readonly pairingUrl: string;
  readonly pairingCode: string;
  readonly versions: readonly string[];
  readonly brand: string;
  readonly model: string;
  readonly keepOpen: boolean;
  readonly replay: ExamplePage | undefined;
  readonly withHandshake: boolean;
  readonly waitForCem: boolean;
}

export type ParsedSimulateRmArgs =
  | { readonly kind: 'run'; readonly args: SimulateRmArgs }
  | { readonly kind: 'help' }
  | { readonly kind: 'usage'; readonly message: string };

/** For tests: the defaults come from the process (signals, Math.random). */
export interface SimulateRmIo {
  readonly signal?: AbortSignal;
  readonly random?: () => number;
  readonly waitTimeoutMs?: number;
}

export function parseSimulateRmArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): ParsedSimulateRmArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        'pairing-url': { type: 'string' },
        'pairing-code': { type: 'string' },
        's2-version': { type: 'string', multiple: true },
        brand: { type: 'string', default: 's2-broker' },
        model: { type: 'string', default: 'simulate-rm' },
        'keep-open': { type: 'boolean', default: false },
        replay: { type: 'string' },
        'with-handshake': { type: 'boolean', default: false },
        'wait-for-cem': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { kind: 'usage', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: 'help' };
  // As `pairing-code issue --env` hands them over.
  const pairingUrl = values['pairing-url'] ?? (env['S2_BROKER_PAIRING_URL'] || undefined);
  const pairingCode = values['pairing-code'] ?? (env['S2_BROKER_PAIRING_CODE'] || undefined);
  if (pairingUrl === undefined || pairingCode === undefined) {
    return {
      kind: 'usage',
      message: '--pairing-url and --pairing-code are required (or S2_BROKER_PAIRING_URL and S2_BROKER_PAIRING_CODE)',
    };
  }
  const versions = values['s2-version'] ?? [...S2_JSON_VERSIONS];
  if (versions.some((version) => version.trim() === ''))
    return { kind: 'usage', message: '--s2-version must not be empty' };
  const replay = values.replay;
  if (replay !== undefined && !isExamplePage(replay)) {
    return { kind: 'usage', message: `--replay must be one of ${EXAMPLE_PAGES.join(', ')}` };
  }
  if (replay === undefined && (values['with-handshake'] || values['wait-for-cem'])) {
    return { kind: 'usage', message: '--with-handshake and --wait-for-cem go with --replay' };
  }
  return {
    kind: 'run',
    args: {
      pairingUrl,
      pairingCode,
      versions,
      brand: values.brand,
      model: values.model,
      keepOpen: values['keep-open'],
      replay,
      withHandshake: values['with-handshake'],
      waitForCem: values['wait-for-cem'],
    },
  };
}

export async function simulateRmCommand(argv: string[], io: SimulateRmIo = {}): Promise<number> {
  const parsed = parseSimulateRmArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'usage') return usageError(parsed.message);
  const { args } = parsed;

  // Read before pairing, so that a checkout without the examples costs no pairing.
  let replay: ReplayStep[] | undefined;
  if (args.replay !== undefined) {
    try {
      replay = replaySteps(loadExamplePage(args.replay), args);
    } catch (error) {
      return failure(`cannot read the ${args.replay} example: ${describe(error)}`);
    }
  }

  const node: NodeDescription = {
    id: randomUUID(),
    brand: args.brand,
    type: 'simulated RM',
    modelName: args.model,
    role: 'RM',
  };
  const endpoint: EndpointDescription = { name: 's2-broker simulate-rm', deployment: 'WAN' };
  const supportedS2MessageVersions = args.versions;

  let pairing;
  try {
    pairing = await pairWithCem({
      pairingUrl: args.pairingUrl,
      pairingCode: args.pairingCode,
      node,
      endpoint,
      supportedS2MessageVersions,
    });
  } catch (error) {
    return failure(`pairing failed: ${describe(error)}`);
  }
  let first: SimulatedRm;
  try {
    const session = await startSession({
      initiateSessionUrl: pairing.initiateSessionUrl,
      accessTokens: [pairing.accessToken],
      clientNodeId: node.id,
      serverNodeId: pairing.serverNodeDescription.id,
      supportedS2MessageVersions,
    });
    first = {
      rmNodeId: node.id,
      cemNodeId: pairing.serverNodeDescription.id,
      initiateSessionUrl: pairing.initiateSessionUrl,
      accessToken: session.accessToken,
      s2Version: session.selectedS2MessageVersion,
      websocketUrl: session.websocketUrl,
      websocketToken: session.websocketToken,
    };
  } catch (error) {
    // The pairing stands; say so, since the RM node id is what an operator would look for.
    return failure(`paired as RM node ${node.id}, but the session did not start: ${describe(error)}`);
  }
  printLine(first);
  if (!args.keepOpen && replay === undefined) return 0;

  const stopper = stopOnSignals(io.signal);
  try {
    return await runLiveRm(first, {
      keepOpen: args.keepOpen,
      replay,
      supportedS2MessageVersions,
      signal: stopper.signal,
      random: io.random ?? Math.random,
      waitTimeoutMs: io.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS,
      print: printLine,
      note: (text) => process.stderr.write(`s2-broker simulate-rm: ${oneLine(text)}\n`),
    });
  } finally {
    stopper.dispose();
  }
}

interface StopOnSignals {
  readonly signal: AbortSignal;
  dispose(): void;
}

/** The caller's signal, or one that SIGINT and SIGTERM abort. */
function stopOnSignals(given: AbortSignal | undefined): StopOnSignals {
  if (given !== undefined) return { signal: given, dispose: () => undefined };
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

function printLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function usageError(message: string): number {
  process.stderr.write(`s2-broker simulate-rm: ${message}\n${USAGE}\n`);
  return 2;
}

function failure(message: string): number {
  process.stderr.write(`s2-broker simulate-rm: ${oneLine(message)}\n`);
  return 1;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
