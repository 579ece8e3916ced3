// Where the channel connects: the broker's CEM channel URL with one `cemNodeId` parameter per node.
import { CemClientError } from './errors.js';

export const CEM_CHANNEL_PATH = '/cem/v1/ws';

/**
 * `url` may be the channel's ws(s) URL or the broker's base URL (`https://s2.example.com`): http(s) turns
 * into ws(s), and a bare host gets the channel path.
 */
export function channelUrl(url: string, cemNodeIds: readonly string[] = []): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CemClientError('INVALID_INPUT', 'the channel URL is not a URL');
  }
  if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  else if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  if (parsed.protocol !== 'wss:' && parsed.protocol !== 'ws:') {
    throw new CemClientError(
      'INVALID_INPUT',
      `the channel URL must be wss, ws, https or http (got ${parsed.protocol})`,
    );
  }
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = CEM_CHANNEL_PATH;
  for (const id of cemNodeIds) parsed.searchParams.append('cemNodeId', id);
  parsed.hash = '';
  return parsed.toString();
}
