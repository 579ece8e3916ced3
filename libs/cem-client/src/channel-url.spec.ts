import { describe, expect, it } from 'vitest';
import { channelUrl } from './channel-url.js';
import { CemClientError } from './errors.js';

describe('channelUrl', () => {
  it('takes the channel URL as is, with one cemNodeId parameter per node', () => {
    expect(channelUrl('wss://s2.example.com/cem/v1/ws')).toBe('wss://s2.example.com/cem/v1/ws');
    expect(channelUrl('ws://127.0.0.1:8080/cem/v1/ws', ['a', 'b c'])).toBe(
      'ws://127.0.0.1:8080/cem/v1/ws?cemNodeId=a&cemNodeId=b+c',
    );
  });

  it('turns a broker base URL into its channel URL', () => {
    expect(channelUrl('https://s2.example.com')).toBe('wss://s2.example.com/cem/v1/ws');
    expect(channelUrl('http://localhost:8080/', ['n1'])).toBe('ws://localhost:8080/cem/v1/ws?cemNodeId=n1');
  });

  it('refuses what is not a web URL', () => {
    expect(() => channelUrl('s2.example.com')).toThrow(CemClientError);
    expect(() => channelUrl('ftp://s2.example.com/')).toThrow(/must be wss, ws, https or http/);
  });
});
