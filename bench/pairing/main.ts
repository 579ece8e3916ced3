// Full S2 Connect pairings, then session initiations, per second against a running broker, as RMs
// do them: every pairing includes the pairing server's mandatory one-second delay, so the rate shows
// how many CEM nodes the broker pairs in parallel, and the latency how much it adds to that second.
//
//   npm run build && node dist/bench/pairing/main.js [--url http://127.0.0.1:8080] [--internal-url http://127.0.0.1:8081] [--operator-token T]
//     [--nodes 200] [--concurrency 200]          (--operator-token defaults to $OPERATOR_TOKEN)
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pairWithCem, startSession, type Pairing } from '#rm-client';
import { S2_JSON_VERSIONS } from '#s2-json';
import { BrokerApi, brokerTarget, type PairingCodeAnswer } from './broker-api.js';
import { firstError, runPool, summarise, type Summary } from './pool.js';

const USAGE =
  'usage: node dist/bench/pairing/main.js [--url URL] [--internal-url URL] [--operator-token T] [--nodes N] [--concurrency N]';

interface Settings {
  origin: string;
  /** Where the probes and the operator API are. */
  internalOrigin: string;
  operatorToken: string;
  nodes: number;
  concurrency: number;
}

function settings(): Settings | string {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string', default: 'http://127.0.0.1:8080' },
        'internal-url': { type: 'string' },
        'operator-token': { type: 'string' },
        nodes: { type: 'string', default: '200' },
        concurrency: { type: 'string', default: '200' },
      },
    }));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const nodes = Number(values.nodes);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(nodes) || nodes < 1) return '--nodes must be a positive integer';
  if (!Number.isInteger(concurrency) || concurrency < 1) return '--concurrency must be a positive integer';
  const target = brokerTarget(values.url, values['internal-url'], values['operator-token']);
  if (typeof target === 'string') return target;
  return { ...target, nodes, concurrency };
}

interface PairedRm {
  readonly rmNodeId: string;
  readonly pairing: Pairing;
}

function human(label: string, unit: string, s: Summary): string {
  return (
    `${label}: ${s.ok} ${unit} in ${s.wallSeconds.toFixed(2)} s = ${s.perSecond.toLocaleString('en')}/s, ` +
    `p50 ${s.latencyMs.p50.toFixed(0)} ms, p99 ${s.latencyMs.p99.toFixed(0)} ms` +
    (s.failed > 0 ? ` (${s.failed} failed)` : '')
  );
}

async function main(): Promise<number> {
  const config = settings();
  if (typeof config === 'string') {
    process.stderr.write(`bench pairing: ${config}\n${USAGE}\n`);
    return 2;
  }
  const { origin, nodes, concurrency } = config;
  const api = new BrokerApi(origin, config.internalOrigin);
  await api.checkReachable();

  const account = await api.createTenant(config.operatorToken, `bench-pairing-${Date.now()}`);
  const jwt = await api.tenantToken(account.clientId, account.clientSecret);
  const setup = await runPool(Array.from({ length: nodes }), concurrency, () => api.createCemNodeWithCode(jwt));
  const setupError = firstError(setup);
  if (setupError !== undefined) throw new Error(`creating CEM nodes and pairing codes: ${setupError}`);
  const codes = setup.outcomes.flatMap((o) => (o.ok ? [o.value] : []));

  const pairings = await runPool(codes, concurrency, async (code: PairingCodeAnswer): Promise<PairedRm> => {
    const rmNodeId = randomUUID();
    const pairing = await pairWithCem({
      pairingUrl: code.pairingUrl,
      pairingCode: code.pairingCode,
      node: { id: rmNodeId, brand: 'bench', type: 'EV charger', modelName: 'bench-rm', role: 'RM' },
      endpoint: { name: 'bench', deployment: 'WAN' },
    });
    return { rmNodeId, pairing };
  });
  const paired = pairings.outcomes.flatMap((o) => (o.ok ? [o.value] : []));
  // Nothing to measure: say why in one line rather than print a table of zeros.
  if (paired.length === 0) throw new Error(`no pairing succeeded; first: ${firstError(pairings)}`);

  const sessions = await runPool(paired, concurrency, ({ rmNodeId, pairing }) =>
    startSession({
      initiateSessionUrl: pairing.initiateSessionUrl,
      accessTokens: [pairing.accessToken],
      clientNodeId: rmNodeId,
      serverNodeId: pairing.serverNodeDescription.id,
      supportedS2MessageVersions: [...S2_JSON_VERSIONS],
    }),
  );

  const pairing = summarise(pairings);
  const session = summarise(sessions);
  console.log(
    JSON.stringify({ bench: 'pairing', url: origin, node: process.version, nodes, concurrency, pairing, session }),
  );
  console.log(
    `${human('pairing', 'full pairings', pairing)}; ${human('session initiation', 'sessions', session)} ` +
      `(${nodes} CEM nodes, concurrency ${concurrency}; each pairing includes the 1 s delay)`,
  );
  const failures = [firstError(pairings), firstError(sessions)].filter((e) => e !== undefined);
  if (failures.length > 0) {
    process.stderr.write(`bench pairing: ${pairing.failed + session.failed} failed; first: ${failures[0]}\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`bench pairing: ${message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`);
    process.exitCode = 1;
  },
);
