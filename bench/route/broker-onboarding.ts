// What a tenant and its devices do before any S2 message flows: a tenant per load worker (operator
// API), its CEM nodes and pairing codes (tenant API), and the full S2 Connect pairing of every RM.
import { randomUUID } from 'node:crypto';
import { pairWithCem } from '#rm-client';
import { BrokerApi, type PairingCodeAnswer } from '../pairing/broker-api.js';
import { runPool } from '../pairing/pool.js';

/**
 * RMs per CEM node. Pairings of one node take turns, one second each, across all replicas; nodes pair
 * in parallel, so this sets how long onboarding takes (about this many seconds).
 */
export const RMS_PER_CEM_NODE = 20;
/** Pairings in progress at once, one per CEM node. */
const PAIRING_LANES = 500;
const API_CONCURRENCY = 50;
const PROGRESS_EVERY_MS = 5_000;

export interface Tenant {
  readonly jwt: string;
  readonly codes: readonly PairingCodeAnswer[];
}

export interface PairedRm {
  readonly rmNodeId: string;
  readonly cemNodeId: string;
  readonly initiateSessionUrl: string;
  readonly accessToken: string;
}

/** A tenant with enough CEM nodes (each with a pairing code) for `rms` RMs. */
export async function createTenant(
  origin: string,
  internalOrigin: string,
  operatorToken: string,
  rms: number,
): Promise<Tenant> {
  const api = new BrokerApi(origin, internalOrigin);
  await api.checkReachable();
  const account = await api.createTenant(operatorToken, `bench-route-${randomUUID().slice(0, 8)}`);
  const jwt = await api.tenantToken(account.clientId, account.clientSecret);
  const nodes = Math.max(1, Math.ceil(rms / RMS_PER_CEM_NODE));
  const created = await runPool(Array.from({ length: nodes }), API_CONCURRENCY, () => api.createCemNodeWithCode(jwt));
  const codes = created.outcomes.flatMap((o) => (o.ok ? [o.value] : []));
  const failed = created.outcomes.find((o) => !o.ok);
  if (failed !== undefined && !failed.ok) throw new Error(`creating CEM nodes: ${message(failed.error)}`);
  return { jwt, codes };
}

/**
 * Pairs `rms` new RMs with the tenant's CEM nodes, spread evenly, one node's pairings after another.
 * Gives up at the first failure or at `deadline` (ms since the epoch).
 */
export async function pairRms(tenant: Tenant, rms: number, deadline: number, progress: Progress): Promise<PairedRm[]> {
  const codes = tenant.codes;
  const share = (k: number) => Math.floor(rms / codes.length) + (k < rms % codes.length ? 1 : 0);
  let failure: unknown;
  const chain = async (code: PairingCodeAnswer, k: number): Promise<PairedRm[]> => {
    const paired: PairedRm[] = [];
    for (let i = 0; i < share(k) && failure === undefined; i++) {
      if (Date.now() > deadline) throw new Error(`pairing did not finish in time (${progress.done} paired)`);
      const rmNodeId = randomUUID();
      const pairing = await withRetries(() =>
        pairWithCem({
          pairingUrl: code.pairingUrl,
          pairingCode: code.pairingCode,
          node: { id: rmNodeId, brand: 'bench', type: 'EV charger', modelName: 'bench-route', role: 'RM' },
          endpoint: { name: 'bench', deployment: 'WAN' },
        }),
      );
      paired.push({
        rmNodeId,
        cemNodeId: code.cemNodeId,
        initiateSessionUrl: pairing.initiateSessionUrl,
        accessToken: pairing.accessToken,
      });
      progress.done++;
    }
    return paired;
  };
  const result = await runPool(codes, PAIRING_LANES, async (code, k) => {
    try {
      return await chain(code, k);
    } catch (error) {
      failure ??= error;
      throw error;
    }
  });
  if (failure !== undefined) throw new Error(`pairing: ${message(failure)}`);
  return result.outcomes.flatMap((o) => (o.ok ? o.value : []));
}

/** Counts pairings across tenants and prints how far they are, every few seconds, on stderr. */
export class Progress {
  done = 0;
  private timer: NodeJS.Timeout | undefined;

  start(total: number, label: string): void {
    this.timer = setInterval(
      () => process.stderr.write(`${label}: ${this.done}/${total} RMs paired\n`),
      PROGRESS_EVERY_MS,
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** As a device would: a pairing that failed on the server's side (overload, a 5xx) is tried again. */
async function withRetries<T>(attempt: () => Promise<T>, tries = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= tries || !/HTTP 5\d\d/.test(error instanceof Error ? error.message : '')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}
