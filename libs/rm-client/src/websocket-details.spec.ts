import { describe, expect, it } from 'vitest';
import { parseWebSocketDetails } from './websocket-details.js';

const token = Buffer.alloc(32, 7).toString('base64');

describe('parseWebSocketDetails', () => {
  it('accepts wss:// and ws:// URLs, on any host', () => {
    for (const websocketUrl of ['wss://s2.example.com/s2/v1/ws', 'ws://127.0.0.1:8080/s2/v1/ws']) {
      expect(
        parseWebSocketDetails({ communicationProtocol: 'WebSocket', websocketToken: token, websocketUrl }),
      ).toEqual({ ok: true, value: { communicationProtocol: 'WebSocket', websocketToken: token, websocketUrl } });
    }
  });

  it('names what is wrong', () => {
    const base = { communicationProtocol: 'WebSocket', websocketToken: token, websocketUrl: 'wss://h/ws' };
    expect(parseWebSocketDetails([])).toMatchObject({ ok: false, problem: 'must be object' });
    expect(parseWebSocketDetails({ ...base, communicationProtocol: 'MQTT' })).toMatchObject({ ok: false });
    expect(parseWebSocketDetails({ ...base, websocketToken: 'not base64!' })).toMatchObject({
      ok: false,
      problem: '/websocketToken must be a Base64 string',
    });
    expect(parseWebSocketDetails({ ...base, websocketUrl: 'https://h/ws' })).toMatchObject({
      ok: false,
      problem: '/websocketUrl must be a ws:// or wss:// URL',
    });
  });
});
