// The confirmAccessToken answer for the WebSocket protocol, checked by hand: libs/s2-connect compiles the
// schema's `format: url` with ajv-formats' `url`, which only accepts http(s) and ftp URLs on public hosts,
// so it refuses every `wss://` URL a real server sends. Same rules as the schema otherwise.
import { decodeBase64, type WebSocketCommunicationDetails } from '#s2-connect';

export type DetailsResult = { ok: true; value: WebSocketCommunicationDetails } | { ok: false; problem: string };

export function parseWebSocketDetails(json: unknown): DetailsResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, problem: 'must be object' };
  const { communicationProtocol, websocketToken, websocketUrl } = json as Record<string, unknown>;
  if (communicationProtocol !== 'WebSocket') {
    return { ok: false, problem: '/communicationProtocol must be WebSocket' };
  }
  if (typeof websocketToken !== 'string' || decodeBase64(websocketToken) === undefined) {
    return { ok: false, problem: '/websocketToken must be a Base64 string' };
  }
  if (typeof websocketUrl !== 'string' || !isWebSocketUrl(websocketUrl)) {
    return { ok: false, problem: '/websocketUrl must be a ws:// or wss:// URL' };
  }
  return { ok: true, value: { communicationProtocol, websocketToken, websocketUrl } };
}

function isWebSocketUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'wss:' || protocol === 'ws:';
  } catch {
    return false;
  }
}
