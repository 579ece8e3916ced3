import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What a handler learns about a request that its log line should carry: the tenant and nodes it turned
 * out to be about (known only once a token or code is looked up), and the outcome of an S2 Connect step.
 * Ids and bounded labels only: nothing a caller sent verbatim.
 */
export interface RequestLogFields {
  tenantId?: string;
  cemNodeId?: string;
  rmNodeId?: string;
  outcome?: string;
}

const current = new AsyncLocalStorage<RequestLogFields>();

/** Runs `next` (the rest of the request's handling) with a place for `noteOnRequestLog` to write to. */
export function withRequestLogFields(fields: RequestLogFields, next: () => void): void {
  current.run(fields, next);
}

const KEYS = ['tenantId', 'cemNodeId', 'rmNodeId', 'outcome'] as const;

/**
 * Adds to the log line of the HTTP request being handled; outside of one, does nothing. Only the
 * fields named above are taken, so a record (a pairing, with its token hashes) can be passed as it is.
 */
export function noteOnRequestLog(fields: RequestLogFields): void {
  const noted = current.getStore();
  if (noted === undefined) return;
  for (const key of KEYS) {
    const value = fields[key];
    if (typeof value === 'string') noted[key] = value;
  }
}
