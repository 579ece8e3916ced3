// "Selecting the version of REST APIs": GET the base URL, which lists the major versions it implements.
import { S2ConnectClientError, type ClientStep } from './errors.js';
import { baseUrl, call, type FetchLike } from './http.js';
import { rejected } from './server-errors.js';

/** The API versions this client implements, best first. */
export const API_VERSIONS = ['v1'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

export interface SelectApiVersionOptions {
  readonly timeoutMs?: number;
  readonly fetch?: FetchLike;
}

/** The best version both sides implement; throws INCOMPATIBLE_API_VERSION when there is none. */
export async function selectApiVersion(base: string, options: SelectApiVersionOptions = {}): Promise<ApiVersion> {
  const step: ClientStep = 'selectApiVersion';
  const answer = await call(step, baseUrl(step, base), {
    method: 'GET',
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    fetch: options.fetch,
  });
  if (answer.status !== 200) throw rejected(step, answer);
  const offered = answer.json;
  if (!Array.isArray(offered) || !offered.every((item) => typeof item === 'string')) {
    throw new S2ConnectClientError('INVALID_RESPONSE', step, 'the answer is not a JSON array of versions');
  }
  const version = API_VERSIONS.find((ours) => offered.includes(ours));
  if (version === undefined) {
    throw new S2ConnectClientError(
      'INCOMPATIBLE_API_VERSION',
      step,
      `the server implements ${offered.join(', ') || 'no version'}; this client ${API_VERSIONS.join(', ')}`,
    );
  }
  return version;
}
