// A throwaway RM for trying a broker by hand or from scripts: pairs a new RM node with the CEM node a
// pairing code names, starts an S2 Connect session and prints what a device would keep and use.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pairWithCem, startSession } from '../../../../libs/rm-client/src/index.js';
import type { EndpointDescription, NodeDescription } from '../../../../libs/s2-connect/src/generated/types.js';
import { S2_JSON_VERSIONS } from '../../../../libs/s2-json/src/versions.js';

const USAGE = `usage: s2-broker simulate-rm --pairing-url URL --pairing-code CODE [--s2-version V]... [--brand B] [--model M]
Pairs a new simulated RM with the CEM node of CODE, starts a session and prints one JSON object:
{rmNodeId, cemNodeId, initiateSessionUrl, accessToken, s2Version, websocketUrl, websocketToken}.
--s2-version may be repeated (default: ${S2_JSON_VERSIONS.join(' and ')}).`;

export interface SimulatedRm {
  rmNodeId: string;
  cemNodeId: string;
  initiateSessionUrl: string;
  accessToken: string;
  s2Version: string;
  websocketUrl: string;
  websocketToken: string;
}

export async function simulateRmCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        'pairing-url': { type: 'string' },
        'pairing-code': { type: 'string' },
        's2-version': { type: 'string', multiple: true },
        brand: { type: 'string', default: 's2-broker' },
        model: { type: 'string', default: 'simulate-rm' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const pairingUrl = values['pairing-url'];
  const pairingCode = values['pairing-code'];
  if (pairingUrl === undefined || pairingCode === undefined) {
    return usageError('--pairing-url and --pairing-code are required');
  }
  const versions = values['s2-version'] ?? [...S2_JSON_VERSIONS];
  if (versions.some((version) => version.trim() === '')) return usageError('--s2-version must not be empty');

  const node: NodeDescription = {
    id: randomUUID(),
    brand: values.brand,
    type: 'simulated RM',
    modelName: values.model,
    role: 'RM',
  };
  const endpoint: EndpointDescription = { name: 's2-broker simulate-rm', deployment: 'WAN' };

  let pairing;
  try {
    pairing = await pairWithCem({ pairingUrl, pairingCode, node, endpoint, supportedS2MessageVersions: versions });
  } catch (error) {
    return failure(`pairing failed: ${describe(error)}`);
  }
  try {
    const session = await startSession({
      initiateSessionUrl: pairing.initiateSessionUrl,
      accessTokens: [pairing.accessToken],
      clientNodeId: node.id,
      serverNodeId: pairing.serverNodeDescription.id,
      supportedS2MessageVersions: versions,
    });
    const result: SimulatedRm = {
      rmNodeId: node.id,
      cemNodeId: pairing.serverNodeDescription.id,
      initiateSessionUrl: pairing.initiateSessionUrl,
      accessToken: session.accessToken,
      s2Version: session.selectedS2MessageVersion,
      websocketUrl: session.websocketUrl,
      websocketToken: session.websocketToken,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (error) {
    // The pairing stands; say so, since the RM node id is what an operator would look for.
    return failure(`paired as RM node ${node.id}, but the session did not start: ${describe(error)}`);
  }
}

function usageError(message: string): number {
  process.stderr.write(`s2-broker simulate-rm: ${message}\n${USAGE}\n`);
  return 2;
}

function failure(message: string): number {
  process.stderr.write(`s2-broker simulate-rm: ${message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`);
  return 1;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
