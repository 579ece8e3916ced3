// CEM nodes created per second through the batch endpoint (with and without pairing codes), and
// pairing codes issued per second one node at a time, against a running broker.
//
//   npm run build && node dist/bench/onboard/main.js [--url http://127.0.0.1:8080] [--internal-url http://127.0.0.1:8081] [--operator-token T]
//     [--batches 20] [--batch-size 1000] [--concurrency 4]      (--operator-token defaults to $OPERATOR_TOKEN)
import { parseArgs } from 'node:util';
import { BrokerApi, brokerTarget } from '../pairing/broker-api.js';
import { firstError, runPool, summarise, type Summary } from '../pairing/pool.js';

const USAGE =
  'usage: node dist/bench/onboard/main.js [--url URL] [--internal-url URL] [--operator-token T] [--batches N] [--batch-size N] [--concurrency N]';

interface Settings {
  origin: string;
  /** Where the probes and the operator API are. */
  internalOrigin: string;
  operatorToken: string;
  batches: number;
  batchSize: number;
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
        batches: { type: 'string', default: '20' },
        'batch-size': { type: 'string', default: '1000' },
        concurrency: { type: 'string', default: '4' },
      },
    }));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const batches = Number(values.batches);
  const batchSize = Number(values['batch-size']);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(batches) || batches < 1) return '--batches must be a positive integer';
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) return '--batch-size must be 1 to 1000';
  if (!Number.isInteger(concurrency) || concurrency < 1) return '--concurrency must be a positive integer';
  const target = brokerTarget(values.url, values['internal-url'], values['operator-token']);
  if (typeof target === 'string') return target;
  return { ...target, batches, batchSize, concurrency };
}

/** Per-item rate of a run of batches: the summary counts requests, each carrying `size` items. */
function perItem(s: Summary, size: number): number {
  return s.wallSeconds > 0 ? Math.round((s.ok * size) / s.wallSeconds) : 0;
}

function human(label: string, s: Summary, size: number): string {
  return (
    `${label}: ${(s.ok * size).toLocaleString('en')} in ${s.wallSeconds.toFixed(2)} s = ` +
    `${perItem(s, size).toLocaleString('en')}/s, p50 ${s.latencyMs.p50.toFixed(0)} ms, ` +
    `p99 ${s.latencyMs.p99.toFixed(0)} ms per request` +
    (s.failed > 0 ? ` (${s.failed} failed)` : '')
  );
}

async function main(): Promise<number> {
  const config = settings();
  if (typeof config === 'string') {
    process.stderr.write(`bench onboard: ${config}\n${USAGE}\n`);
    return 2;
  }
  const { origin, batches, batchSize, concurrency } = config;
  const api = new BrokerApi(origin, config.internalOrigin);
  await api.checkReachable();
  const account = await api.createTenant(config.operatorToken, `bench-onboard-${Date.now()}`);
  const jwt = await api.tenantToken(account.clientId, account.clientSecret);

  let run = 0;
  const batchOf = () => ({
    nodes: Array.from({ length: batchSize }, (_, i) => ({
      brand: 'bench',
      type: 'EMS',
      modelName: 'bench-onboard',
      externalRef: `bench-${run}-${i}`,
    })),
  });
  const batchPath = '/api/v1/cem-nodes:batch';
  const plain = await runPool(Array.from({ length: batches }), concurrency, () => {
    run++;
    return api.post(batchPath, jwt, batchOf());
  });
  const withCodes = await runPool(Array.from({ length: batches }), concurrency, async () => {
    run++;
    return (await api.post(batchPath, jwt, { ...batchOf(), pairingCodes: { kind: 'dynamic' } })) as {
      items: { id: string }[];
    };
  });
  const ids = withCodes.outcomes.flatMap((o) => (o.ok ? o.value.items.map((item) => item.id) : []));
  // Many requests at once, as a tenant's backend would issue codes on demand.
  const codes = await runPool(ids, concurrency * 16, (id) =>
    api.post(`/api/v1/cem-nodes/${id}/pairing-codes`, jwt, {}),
  );

  const nodes = summarise(plain);
  const nodesWithCodes = summarise(withCodes);
  const issued = summarise(codes);
  console.log(
    JSON.stringify({
      bench: 'onboard',
      url: origin,
      node: process.version,
      batches,
      batchSize,
      concurrency,
      nodes: { ...nodes, nodesPerSecond: perItem(nodes, batchSize) },
      nodesWithCodes: { ...nodesWithCodes, nodesPerSecond: perItem(nodesWithCodes, batchSize) },
      pairingCodes: issued,
    }),
  );
  console.log(human('CEM nodes through the batch endpoint', nodes, batchSize));
  console.log(human('CEM nodes with pairing codes through the batch endpoint', nodesWithCodes, batchSize));
  console.log(human(`pairing codes one by one (concurrency ${concurrency * 16})`, issued, 1));
  const failures = [firstError(plain), firstError(withCodes), firstError(codes)].filter((e) => e !== undefined);
  if (failures.length > 0) {
    process.stderr.write(`bench onboard: some requests failed; first: ${failures[0]}\n`);
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
    process.stderr.write(`bench onboard: ${message.replace(/\s*[\r\n]+\s*/g, ' ')}\n`);
    process.exitCode = 1;
  },
);
